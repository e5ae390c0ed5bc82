"""Recalls: the scope of a recall (scope), open recalls' containment (containment), the war room
(war_room) and the audit pack (audit)."""
