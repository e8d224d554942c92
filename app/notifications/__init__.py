"""Email notifications: who is told what (a row written in the transaction of the change that
causes it), and the worker that sends them, content-free, at least once."""
