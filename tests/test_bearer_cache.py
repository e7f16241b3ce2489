# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The per-process cache of verified bearer keys, and the key stamp that
tells it when to verify them again (``auth.py``, ``key_stamp.py``)."""

import time
from datetime import timedelta
from unittest.mock import Mock, patch

import odoo
from odoo.tests import tagged

from ..serving import auth, key_stamp
from ..serving.registry import STATE_TABLE
from .common import EndpointCase
from .test_multiprocess import TwoServersCase


@tagged("post_install", "-at_install")
class TestBearerCache(EndpointCase):
    def setUp(self):
        super().setUp()
        auth.forget_all()
        self.addCleanup(auth.forget_all)
        self.header = f"Bearer {self.api_key}"
        self.cr = self.env.cr

    def key_row(self, user):
        self.cr.execute(
            "SELECT id, key, index FROM res_users_apikeys WHERE user_id = %s ORDER BY id DESC",
            [user.id],
        )
        return self.cr.fetchone()

    def verify_calls(self):
        spy = Mock(wraps=auth.KEY_CRYPT_CONTEXT)
        patcher = patch.object(auth, "KEY_CRYPT_CONTEXT", spy)
        patcher.start()
        self.addCleanup(patcher.stop)
        return spy.verify

    def test_cached_key_maps_to_the_same_row(self):
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        verify = self.verify_calls()
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        verify.assert_not_called()  # served from the cache

    def stamp(self):
        return auth.read_seen(self.cr).stamp

    def test_key_stamp_renewed_by_every_change_that_can_revoke_a_key(self):
        """Triggers renew the stamp in the transaction of the change, by
        the ORM or in raw SQL, and only then: a user's name, an unchanged
        ``active`` or Odoo's daily clean-up finding no expired key does not
        make every process verify its keys again."""
        key_id = self.key_row(self.api_user)[0]
        other = self.api_user.copy({"login": "rest_endpoint_stamp_other"})
        changes = {
            "key created": lambda: self.env["res.users.apikeys"]
            .with_user(other)
            .sudo()
            ._generate(None, "stamp", None),
            "scope changed": f"UPDATE res_users_apikeys SET scope = 'x' WHERE id = {key_id}",
            "expiry changed": "UPDATE res_users_apikeys"
            f" SET expiration_date = now() + interval '1 day' WHERE id = {key_id}",
            "key deleted": f"DELETE FROM res_users_apikeys WHERE user_id = {other.id}",
            "user archived": lambda: other.write({"active": False}),
            "user unarchived in SQL": f"UPDATE res_users SET active = true WHERE id = {other.id}",
            "database uuid": "UPDATE ir_config_parameter SET value = 'copy'"
            " WHERE key = 'database.uuid'",
        }
        for name, change in changes.items():
            before = self.stamp()
            if callable(change):
                change()
                self.env.flush_all()
            else:
                self.cr.execute(change)
            self.assertNotEqual(self.stamp(), before, name)
        before = self.stamp()
        other.write({"name": "Renamed"})
        self.cr.execute("UPDATE res_users SET login = 'stamp_kept' WHERE id = %s", [other.id])
        self.cr.execute("UPDATE res_users SET active = active WHERE id = %s", [other.id])
        self.env["res.users.apikeys"]._gc_user_apikeys()  # nothing expired: deletes nothing
        self.env.flush_all()
        self.assertEqual(self.stamp(), before)

    def test_trusted_only_under_its_stamp_and_before_it_expires(self):
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        seen = auth.read_seen(self.cr)
        verify = self.verify_calls()
        self.assertEqual(auth.verify(self.cr, self.header, seen).uid, self.api_user.id)
        verify.assert_not_called()
        # a stamp read in another database is not used: this one is read
        other_db = auth.Seen("another_db", "another stamp", seen.now)
        self.assertEqual(auth.verify(self.cr, self.header, other_db).uid, self.api_user.id)
        verify.assert_not_called()
        # another stamp (some key changed): verified afresh, then trusted
        changed = auth.Seen(self.cr.dbname, "another stamp", seen.now)
        self.assertEqual(auth.verify(self.cr, self.header, changed).uid, self.api_user.id)
        self.assertEqual(verify.call_count, 1)
        self.assertEqual(auth.verify(self.cr, self.header, changed).uid, self.api_user.id)
        self.assertEqual(verify.call_count, 1)
        # a key that expires: trusted until then by the database's clock,
        # with no write to renew the stamp
        key_id = self.key_row(self.api_user)[0]
        self.cr.execute(
            "UPDATE res_users_apikeys"
            " SET expiration_date = now() at time zone 'utc' + interval '1 hour' WHERE id = %s",
            [key_id],
        )
        seen = auth.read_seen(self.cr)
        self.assertEqual(auth.verify(self.cr, self.header, seen).uid, self.api_user.id)
        self.assertEqual(verify.call_count, 2)
        later = auth.Seen(self.cr.dbname, seen.stamp, seen.now + timedelta(minutes=59))
        self.assertEqual(auth.verify(self.cr, self.header, later).uid, self.api_user.id)
        self.assertEqual(verify.call_count, 2)
        expired = auth.Seen(self.cr.dbname, seen.stamp, seen.now + timedelta(minutes=61))
        auth.verify(self.cr, self.header, expired)  # here the key is still valid: ...
        self.assertEqual(verify.call_count, 3)  # ... but it was verified afresh

    def test_restored_database_with_another_key_under_the_id(self):
        other = self.api_user.copy({"login": "rest_endpoint_other_owner"})
        (self.env["res.users.apikeys"].with_user(other).sudo()._generate(None, "other", None))
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        key_id = self.key_row(self.api_user)[0]
        _other_id, other_hash, other_index = self.key_row(other)
        # "Restore": the id this process verified now holds the other user's key.
        self.cr.execute(
            "UPDATE res_users_apikeys SET user_id = %s, key = %s, index = %s WHERE id = %s",
            [other.id, other_hash, other_index, key_id],
        )
        with self.assertRaisesText(auth.Unauthorized, "Invalid API key"):
            auth.authenticate(self.cr, self.header)
        self.assertFalse(auth._cache)

    def test_same_owner_other_hash_is_verified_again(self):
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        key_id = self.key_row(self.api_user)[0]
        self.cr.execute(
            "UPDATE res_users_apikeys SET key = %s WHERE id = %s",
            [auth.KEY_CRYPT_CONTEXT.hash("another key of the same user"), key_id],
        )
        with self.assertRaises(auth.Unauthorized):
            auth.authenticate(self.cr, self.header)

    def test_other_database_uuid_is_verified_again(self):
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        verify = self.verify_calls()
        self.cr.execute(
            "UPDATE ir_config_parameter SET value = 'restored-copy' WHERE key = 'database.uuid'"
        )
        # The key is genuinely valid there too: verified afresh, then cached anew.
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        self.assertEqual(verify.call_count, 1)
        self.assertEqual([entry.stamp for entry in auth._cache.values()], [self.stamp()])
        self.assertEqual(auth.authenticate(self.cr, self.header), self.api_user.id)
        self.assertEqual(verify.call_count, 1)


@tagged("post_install", "-at_install")
class TestBearerCacheTwoServers(TwoServersCase):
    """The cache of each server process, seen from outside: a key both
    servers have verified and cached is refused by both once the database's
    clock passes its expiry, and once the database is restored with another
    key under its row id."""

    ROUTE = "/api/bearer/servers"

    def setUp(self):
        super().setUp()
        self.keys = []
        self.addCleanup(self._delete_keys)
        self._create(
            route=self.ROUTE,
            auth_type="bearer",
            registry_sync=True,
            code_snippet="result = {'payload': {'ok': True}}",
        )

    def _delete_keys(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE id = ANY(%s)", [self.keys])

    def _key(self, xmlid, expires_in=None):
        """A committed global key of the user ``xmlid``: (key, its row)."""
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            user = env.ref(xmlid)
            key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "servers", None)
            cr.execute(
                "SELECT id, key, index FROM res_users_apikeys WHERE user_id = %s"
                " ORDER BY id DESC LIMIT 1",
                [user.id],
            )
            row = cr.fetchone()
            if expires_in:
                cr.execute(
                    "UPDATE res_users_apikeys SET expiration_date ="
                    " now() at time zone 'utc' + %s * interval '1 second' WHERE id = %s",
                    [expires_in, row[0]],
                )
        self.keys.append(row[0])
        return key, row

    def _stamp(self):
        with self.registry.cursor() as cr:
            cr.execute(f"SELECT {key_stamp.COLUMN} FROM {STATE_TABLE}")
            return cr.fetchone()[0]

    def _statuses(self, key):
        return [server.get(self.ROUTE, key=key).status_code for server in self.servers]

    def test_cached_key_refused_by_both_servers_once_the_database_clock_passes_its_expiry(self):
        key, (key_id, _hash, _index) = self._key("base.user_admin", expires_in=8)
        self.assertEqual(self._statuses(key), [200, 200])  # verified, cached
        self.assertEqual(self._statuses(key), [200, 200])  # from the cache
        stamp = self._stamp()

        def expired():
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT expiration_date < now() at time zone 'utc'"
                    " FROM res_users_apikeys WHERE id = %s",
                    [key_id],
                )
                return cr.fetchone()[0]

        # wait for the database's clock itself to pass the expiry
        deadline = time.monotonic() + 60
        while not expired():
            self.assertLess(time.monotonic(), deadline, "the key never expired")
            time.sleep(0.2)
        self.assertEqual(self._statuses(key), [401, 401])
        # nothing renewed the stamp: the servers' own expiry check refused it
        self.assertEqual(self._stamp(), stamp)

    def test_restored_database_with_another_key_under_the_id(self):
        key, (key_id, _hash, _index) = self._key("base.user_admin")
        other_key, (other_id, other_hash, other_index) = self._key("base.user_demo")
        self.assertEqual(self._statuses(key), [200, 200])  # cached by both
        stamp = self._stamp()
        # "Restore" a dump in which the row id of the cached key holds the
        # demo user's key: pg_restore loads rows before it creates triggers,
        # so no trigger runs, and the state row comes with the dump's stamp.
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL session_replication_role = replica")  # no triggers
            cr.execute("DELETE FROM res_users_apikeys WHERE id = %s", [other_id])
            cr.execute(
                "UPDATE res_users_apikeys SET user_id = %s, key = %s, index = %s WHERE id = %s",
                [self._demo_uid(cr), other_hash, other_index, key_id],
            )
            cr.execute(f"UPDATE {STATE_TABLE} SET {key_stamp.COLUMN} = 'stamp of the dump'")
        self.assertNotEqual(self._stamp(), stamp)
        self.assertEqual(self._statuses(key), [401, 401])
        self.assertEqual(self._statuses(other_key), [200, 200])

    def _demo_uid(self, cr):
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return env.ref("base.user_demo").id
