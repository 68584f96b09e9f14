window.TIMELINE_SEARCH={"pages":[],"tags":["../etc",".hidden","bridge","café au lait","council","ferry","reactions","Алматы"],"people":["Jon Berg","José Ñúñez","Mira Holm"],"groups":[],"rows":[
["2020-background","The old bridge shows its age","2020",-1,"",[2],[],"",-1],
["2021-month","Residents fear a split town","Mar 2021",-1,"",[],[0],"",-1],
["2021-03-26-vote","Council votes to close the old bridge","26 Mar 2021",-1,"Town hall",[4,2],[2],"the council voted 7 to 2 close bridge. see mayor's reaction and sources . for against a footnote. vote was on friday. we cannot take risk mira holm",-1],
["2021-03-27-night","<script>alert(\"title\")</script> Night works begin","27 Mar 2021, 23:30",-1,"",[],[],"work went on through the night clocks changed.",-1],
["2021-03-28-closure-span","The bridge is closed for repairs","28 Mar 2021, 02:30:00",-1,"Old bridge",[2],[],"closed from the night of clock change until some time in june.",-1],
["2021-03-28-mayor","No","28 Mar 2021, 18:30",-1,"NO",[2,6],[0],"<script>alert(\"hostile\")</script> the mayor <b>reacted</b> within two days. [javascript link](javascript:alert(1)) and a mail . he spoke on local radio. radio nord, sunday evening. disgrace we will fight this decision ... in every way can. jon berg",-1],
["2021-04-02-cafe","Café owners ask for a ferry","2 Apr 2021, 10:00",-1,"Café Ørsted",[7,3,0,1],[1],"cafe owners met after the council vote and asked for a ferry. <img src=x onerror=alert(1)> [click](javascript:alert(2)) old photo of ferry style .",-1],
["2021-04-05-färja","The ferry plan is dropped","5 Apr 2021",-1,"",[5],[],"the cafe owners will have to wait: see ferry and vote . he added: “we fight this decision […] in every way we can.” jon berg",-1,"entries/2021-04-05-f%C3%A4rja.html"],
["2021-10-31-overlap","The ferry starts at the hour that happens twice","31 Oct 2021, 02:30",-1,"",[5],[],"",-1]
]};
