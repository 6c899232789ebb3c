"""API plumbing shared by every app: errors, request ids, logging, auth, throttles."""
