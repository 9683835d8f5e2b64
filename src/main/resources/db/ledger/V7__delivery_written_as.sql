-- Which attempt's temporary file a recorded delivery was written as (.writing-<name>.<written_as>):
-- every attempt writes a file of its own, so a paused instance that wakes up can never write into the
-- file another instance delivered; a redelivery after a crash renames the recorded attempt's file.
ALTER TABLE delivered_message ADD COLUMN written_as VARCHAR(64);
