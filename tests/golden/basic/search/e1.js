TIMELINE_SEARCH.parts["e1"]=[["2021-10-31-overlap","The ferry starts at the hour that happens twice","31 Oct 2021, 02:30",-1]];
