"""The game's screens: title and scenario picker, errors, team set-up, briefing, play, end."""
