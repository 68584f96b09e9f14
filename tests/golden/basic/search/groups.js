TIMELINE_SEARCH.parts["groups"]=[];
