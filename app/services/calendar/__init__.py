"""Everything that ends in someone's calendar: iCalendar building, the private feeds, iTIP
invitations, exchange and supervision meetings, and the reminders."""
