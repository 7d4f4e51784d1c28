"""The commune's channel: announcements by its services and partners, their attachments, the residents' channel, the public list and Atom feed, emergency emails."""
