print("activityhook")
