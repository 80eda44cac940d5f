"""xlwings Lite: the binding, the bundle, the functions and the script."""
