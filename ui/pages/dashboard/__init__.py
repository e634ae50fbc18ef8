"""The coordinator's dashboard (issue 9): the twelve indicators of DOMAIN §9 with their trends and
drill-downs, recording quality, Supporting Families readiness, and exports."""
