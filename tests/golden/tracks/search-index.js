window.TIMELINE_SEARCH={"pages":[],"tags":["plan"],"people":["Ola Nes"],"groups":["Council","Works"],"count":5,"chunk":8,"shards":[1676],"parts":{}};
