"""The episode page: allocation, status, assessment, plan, versions, meetings, outcomes, printing."""
