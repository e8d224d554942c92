"""The public HTML pages: server-rendered views of what the API publishes (statistics releases
first), for residents, journalists and monitoring bodies who read rather than call an API.

No JavaScript, one stylesheet from /static, every string ready for translation. Like app/main.py
this module composes rooms (it reads what their routes read), so it holds no rule of its own.
"""
