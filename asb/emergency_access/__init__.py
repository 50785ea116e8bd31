"""Emergency ("break glass") access: opening a restricted record one may not see, for a reason,
for a set time, logged and shown to the record's owners and the ASB lead."""
