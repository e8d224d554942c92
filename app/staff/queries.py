"""SQL of the staff directory."""

from __future__ import annotations

# A sign-in: the provider's name and email, unless an operator pinned them.
REMEMBER = """
INSERT INTO staff (subject, name, email, roles, department, language)
VALUES (%(subject)s, %(name)s, %(email)s, %(roles)s, %(department)s, %(language)s)
ON CONFLICT (subject) DO UPDATE SET
  name = CASE WHEN staff.pinned THEN staff.name ELSE EXCLUDED.name END,
  email = CASE WHEN staff.pinned THEN staff.email ELSE EXCLUDED.email END,
  roles = EXCLUDED.roles,
  department = EXCLUDED.department,
  language = coalesce(EXCLUDED.language, staff.language),
  last_seen = now()
"""

# The command line: set (and pin) a person's name and email, whether or not they signed in.
SET = """
INSERT INTO staff (subject, name, email, roles, pinned)
VALUES (%(subject)s, %(name)s, %(email)s, %(roles)s, true)
ON CONFLICT (subject) DO UPDATE SET
  name = COALESCE(EXCLUDED.name, staff.name),
  email = COALESCE(EXCLUDED.email, staff.email),
  roles = CASE WHEN cardinality(EXCLUDED.roles) > 0 THEN EXCLUDED.roles ELSE staff.roles END,
  pinned = true
RETURNING subject, name, email, roles, department
"""

NAMES = "SELECT subject, name FROM staff WHERE subject = ANY(%(subjects)s) AND name IS NOT NULL"

# The people who may be given cases of a track: staff whose roles work on it.
OF_ROLES = """
SELECT subject, name, email, roles, department FROM staff
WHERE roles && %(roles)s
ORDER BY lower(coalesce(name, subject)), subject
"""

ONE = "SELECT subject, name, email, roles, department FROM staff WHERE subject = %(subject)s"
