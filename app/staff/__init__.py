"""The staff directory: who the subjects on cases and timelines are (name and email, as the
identity provider gave them at sign-in or as set from the command line)."""
