TIMELINE_SEARCH.parts["tags"]=["H","H","BCCB","H","D","IB","G","H"];
