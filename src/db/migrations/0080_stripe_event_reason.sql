-- Why an inbox event was ignored (not our session, payment, payout or account), so operators can tell at a glance.
alter table stripe_events add column reason text;
