"""The office's console: staff and departments work cases in the browser.

Built on the residents' pages (app/web): the same sealed session cookie, CSRF tokens, languages,
templates and refusals in words; every read and write goes through the `/v1` route's own gate
and the same service function, so the console holds no permission and no rule of its own.
"""
