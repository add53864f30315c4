"""Pure-Python models and simulators (switching, routing, load balancing, DNS policies, caches ...)."""
