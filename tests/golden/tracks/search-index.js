window.TIMELINE_SEARCH={"pages":[],"tags":["plan"],"people":["Ola Nes"],"groups":["Council","Works"],"rows":[
["2020-before","The old harbour silts up","2020",-1,"",[],[],"ships ran aground at low tide.",-1],
["2021-03-10-plan","The harbour plan is announced","10 Mar 2021",-1,"",[0],[],"the council showed its drawings.",0],
["2021-07-02-works","Work begins on the north quay","2 Jul 2021, 05:30",-1,"",[],[],"",1],
["2021-08-wreck","Divers find a wreck","Aug 2021",-1,"",[],[0],"we did not expect a ship down there ola nes",1],
["2021-09-20-museum","The wreck goes to the museum","20 Sep 2021",-1,"",[],[],"waiting for a source.",1]
]};
