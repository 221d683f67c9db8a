"""The console's inbox: what waits for a coordinator, counted, and arriving live."""
