-- Sign-in throttling is no longer a lock on the account (common/src/login_guard.c counts
-- failures per client and account in memory, keyed): five wrong passwords from anyone no
-- longer lock a staff member out. The lock's columns go.
ALTER TABLE accounts
	DROP COLUMN failed_logins,
	DROP COLUMN first_failed_at,
	DROP COLUMN locked_until;
