"""The hindcast: what a case assessed as of a past year predicted for each actor, against what happened."""
