"""Reports of what went wrong on a test's loop: timeouts, leaked tasks,
exceptions the loop swallowed, and objects bound to another loop."""
