TIMELINE_SEARCH.parts["e1"]=[["2021-09-20-museum","The wreck goes to the museum","20 Sep 2021",-1]];
