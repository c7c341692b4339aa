"""The national data set for benchmarks (issue 16): `python manage.py seed_demo --national [--scale S]`.

At scale 1: 100 teams with 3 municipalities each and 20 users each (a coordinator, 15 handledare,
4 in the samverkansteam), 680 referrers, 50,000 participants and enrolments started over the last
three years, ~5 M activities, 54,000 referrals (one behind every enrolment and 4,000 more in the
triage statuses or closed), and a 20 M-row access log shaped like the one the application writes
(django-auditlog `LogEntry`, action ACCESS, `additional_data` with "person" and "team").

Everything is generated inside PostgreSQL with `INSERT … SELECT … generate_series`, never row by row
in Python; the two big tables are filled with their secondary indexes dropped and rebuilt after
(building an index once is several times faster than maintaining it row by row).

Never on real data: the seeder refuses SQLite (the figures would mean nothing) and any database
where a user has an e-mail address outside the demo domain `ist.example` (RFC 2606 reserves
`.example`: no real person can have such an address, and every seeder makes its users there).
Run twice, it does nothing the second time (the teams `nat-001…` are its marker).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from ist.login.demo import seed_demo_totp
from teams.demo import DEMO_PASSWORD, DOMAIN

MARKER_SLUG = "nat-001"
LOG_CHUNK = 1_000_000

FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Per", "Elin", "Omar"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Ahmed"]


class RefusedError(Exception):
    """The database is not one the national seeder may fill."""


@dataclass(frozen=True)
class Size:
    teams: int
    referrers: int
    enrollments: int
    extra_referrals: int
    log_rows: int

    @classmethod
    def at(cls, scale: float) -> Size:
        if not 0 < scale <= 1:
            raise RefusedError("Skalan ska vara större än 0 och högst 1.")
        return cls(
            teams=max(2, round(100 * scale)),
            referrers=max(2, round(680 * scale)),
            enrollments=max(10, round(50_000 * scale)),
            extra_referrals=max(4, round(4_000 * scale)),
            log_rows=max(1_000, round(20_000_000 * scale)),
        )


def refusal() -> str:
    """Why this database may not be seeded, or "" if it may."""
    if connection.vendor != "postgresql":
        return "Den nationella datamängden byggs bara i PostgreSQL."
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM teams_user WHERE lower(email) NOT LIKE %s", [f"%@{DOMAIN}"])
        (real,) = cursor.fetchone()
    if real:
        return f"Databasen har {real} användare utanför demodomänen {DOMAIN}: den kan hålla riktiga uppgifter."
    return ""


def already_seeded() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM teams_team WHERE slug = %s", [MARKER_SLUG])
        return cursor.fetchone() is not None


@contextmanager
def indexes_dropped(table: str) -> Iterator[None]:
    """Drop the table's secondary indexes (not the primary key or constraints) and build them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND i.schemaname = current_schema()
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)


def _run(sql: str, params: dict[str, Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


PLAN_SQL = """
CREATE TEMP TABLE nat_team ON COMMIT DROP AS
  SELECT id AS team_id, (row_number() OVER (ORDER BY slug) - 1)::int AS n FROM teams_team WHERE slug LIKE 'nat-%%';
CREATE TEMP TABLE nat_staff ON COMMIT DROP AS
  SELECT t.n AS team_n, u.id AS user_id, u.email, split_part(split_part(u.email, '@', 1), '.', 2) AS role_k
  FROM nat_team t JOIN teams_team tt ON tt.id = t.team_id
  JOIN teams_user u ON u.email LIKE tt.slug || '.%%';
CREATE INDEX ON nat_staff (team_n, role_k);
CREATE TEMP TABLE nat_muni ON COMMIT DROP AS
  SELECT t.n AS team_n, m.id AS municipality_id, (row_number() OVER (PARTITION BY t.n ORDER BY m.code) - 1)::int AS k
  FROM teams_municipality m JOIN nat_team t ON t.team_id = m.team_id;
CREATE TEMP TABLE nat_enr ON COMMIT DROP AS
  SELECT p.i, p.team_n, t.team_id, m.municipality_id, p.start_date, p.start_date + p.days AS end_date,
         p.start_date + p.days < current_date AS closed, p.birth_year,
         lpad(p.birth_year::text, 4, '0') || '00' || lpad(p.i::text, 6, '0') AS pnr,
         r.user_id AS responsible_id, r.email AS responsible_email,
         CASE WHEN p.i %% 3 = 0 THEN s.user_id END AS second_id,
         c.user_id AS coordinator_id, c.email AS coordinator_email,
         (%(first)s::text[])[1 + p.i %% %(nfirst)s] AS first_name,
         (%(last)s::text[])[1 + (p.i / 7) %% %(nlast)s] AS last_name,
         NULL::bigint AS participant_id, NULL::bigint AS referral_id, NULL::bigint AS enrollment_id
  FROM (SELECT i, i %% %(teams)s AS team_n, (i / %(teams)s) %% 15 + 1 AS resp_k,
               (i / %(teams)s + 7) %% 15 + 1 AS second_k,
               current_date - 1095 + (i::bigint * 1095 / %(enrollments)s)::int AS start_date,
               180 + (i * 7919) %% 541 AS days, 1965 + i %% 40 AS birth_year
        FROM generate_series(0, %(enrollments)s - 1) i) p
  JOIN nat_team t ON t.n = p.team_n
  JOIN nat_muni m ON m.team_n = p.team_n AND m.k = (p.i / %(teams)s) %% 3
  JOIN nat_staff r ON r.team_n = p.team_n AND r.role_k = 'handledare' || lpad(p.resp_k::text, 2, '0')
  JOIN nat_staff s ON s.team_n = p.team_n AND s.role_k = 'handledare' || lpad(p.second_k::text, 2, '0')
  JOIN nat_staff c ON c.team_n = p.team_n AND c.role_k = 'koordinator';
ALTER TABLE nat_enr ADD PRIMARY KEY (i);
"""


def _organisation(size: Size) -> dict[str, int]:
    """Teams, municipalities, users and memberships."""
    made = _run(
        """INSERT INTO teams_team (name, slug, email, active, answer_deadline_days, address, phone, mailbox)
           SELECT 'Nationellt team ' || lpad(g::text, 3, '0'), 'nat-' || lpad(g::text, 3, '0'),
                  'nat-' || lpad(g::text, 3, '0') || '@' || %(domain)s, true, 14, '', '', ''
           FROM generate_series(1, %(teams)s) g""",
        {"teams": size.teams, "domain": DOMAIN},
    )
    _run(
        """INSERT INTO teams_municipality (code, name, team_id)
           SELECT (9000 + (t.n - 1) * 3 + k)::text, 'Nationell kommun ' || (9000 + (t.n - 1) * 3 + k), t.id
           FROM (SELECT id, row_number() OVER (ORDER BY slug) AS n FROM teams_team WHERE slug LIKE 'nat-%%') t,
                generate_series(0, 2) k"""
    )
    staff = """(SELECT 'koordinator' AS role_k, 'koordinator' AS role
                UNION ALL SELECT 'handledare' || lpad(k::text, 2, '0'), 'handledare' FROM generate_series(1, 15) k
                UNION ALL SELECT 'samverkan' || k, 'samverkansteam' FROM generate_series(1, 4) k)"""
    organisations = _ids("teams_organisation")  # the demo's, seeded before
    if not organisations:
        raise RefusedError("Kör demons seeders först: remittenterna behöver organisationer.")
    users = _run(
        f"""INSERT INTO teams_user (password, is_superuser, email, first_name, last_name, phone, title, is_active,
                                   is_administrator, is_steering_group, is_referrer, date_joined, organisation_id)
            SELECT %(password)s, false, t.slug || '.' || s.role_k || '@' || %(domain)s,
                   (%(first)s::text[])[1 + (t.id + length(s.role_k)) %% %(nfirst)s],
                   (%(last)s::text[])[1 + (t.id * 3 + ascii(right(s.role_k, 1))) %% %(nlast)s],
                   '', '', true, false, false, false, now() - interval '3 years', NULL::bigint
            FROM teams_team t CROSS JOIN {staff} s WHERE t.slug LIKE 'nat-%%'
            UNION ALL
            SELECT %(password)s, false, 'nat.remittent' || lpad(g::text, 4, '0') || '@' || %(domain)s,
                   (%(first)s::text[])[1 + g %% %(nfirst)s], (%(last)s::text[])[1 + (g / 3) %% %(nlast)s],
                   '', '', true, false, false, true, now() - interval '3 years',
                   (%(organisations)s::bigint[])[1 + g %% %(norganisations)s]
            FROM generate_series(1, %(referrers)s) g""",  # noqa: S608 - our own SQL fragment, no input
        {
            **_names(),
            "password": make_password(DEMO_PASSWORD),
            "domain": DOMAIN,
            "referrers": size.referrers,
            "organisations": organisations,
            "norganisations": len(organisations),
        },
    )
    _run(
        f"""INSERT INTO teams_membership (role, created_at, user_id, team_id)
            SELECT s.role, now(), u.id, t.id FROM teams_team t CROSS JOIN {staff} s
            JOIN teams_user u ON u.email = t.slug || '.' || s.role_k || '@' || %(domain)s
            WHERE t.slug LIKE 'nat-%%'""",  # noqa: S608 - our own SQL fragment
        {"domain": DOMAIN},
    )
    return {"teams": made, "users": users}


def _names() -> dict[str, object]:
    return {"first": FIRST_NAMES, "nfirst": len(FIRST_NAMES), "last": LAST_NAMES, "nlast": len(LAST_NAMES)}


def _ids(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608 - our own table names
        return [row[0] for row in cursor.fetchall()]


def _journeys(size: Size) -> dict[str, int]:
    """Participants, referrals, enrolments, phases, closures (the plan in the temp table nat_enr)."""
    _run(PLAN_SQL, {**_names(), "teams": size.teams, "enrollments": size.enrollments})
    _run(
        """CREATE TEMP TABLE nat_ref ON COMMIT DROP AS
           SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, first_name, last_name, email
           FROM teams_user WHERE is_referrer AND email LIKE 'nat.remittent%%';
           ALTER TABLE nat_ref ADD PRIMARY KEY (n)"""
    )
    ids = {
        "educations": _ids("participants_educationlevel"),
        "supports": _ids("referrals_supportkind"),
        "occupations": _ids("participants_occupation"),
        "reasons": _ids("participants_exitreason"),
    }
    lists: dict[str, object] = {**ids, **{f"n{key}": len(values) for key, values in ids.items()}}
    _run(
        """INSERT INTO participants_participant (personnummer, first_name, last_name, phone, email, address, sex,
                                                birth_year, protected_identity, created_at, municipality_id, version)
           SELECT pnr, first_name, last_name, '', '', '', CASE WHEN i %% 2 = 0 THEN 'K' ELSE 'M' END, birth_year,
                  i %% 997 = 0, start_date + time '10:00', municipality_id, 1
           FROM nat_enr"""
    )
    _run("UPDATE nat_enr e SET participant_id = p.id FROM participants_participant p WHERE p.personnummer = e.pnr")
    referral_columns = """status, channel, created_at, updated_at, received_on, answer_deadline, version, referrer_name,
        referrer_phone, referrer_email, personnummer, first_name, last_name, phone, email, address,
        authorities_involved, support_authority, support_contact_email, time_outside, background, wishes, obstacles,
        interpreter_needed, interpreter_language, substance_abuse, threatening_behaviour, imminent_imprisonment,
        full_sickness_compensation, consent_given, consent_date, consent_scope, attachment, decision_reason,
        decided_at, municipality_id, referrer_id, team_id, support_kind_id, consent_how, consent_scope_kinds,
        consent_scope_referrer, protected_identity, protected_identity_by_author, withdrawal_reason, paused_days"""
    # (status, received_on, pnr, first, last, municipality, team, n): one behind each enrolment ...
    referral_values = """{status}, 'web', {received} + time '09:00', {received} + time '09:00', {received},
        {received} + 14, 1, r.first_name || ' ' || r.last_name, '', r.email, {pnr}, {first}, {last}, '', '', '',
        '[]'::jsonb, '', '', 'unknown', '', '', '', false, '', false, false, false, false, true, {received}, '', '',
        '', {decided}, {municipality}, r.id, {team}, (%(supports)s::bigint[])[1 + {n} %% %(nsupports)s], 'written',
        '[]'::jsonb, false, false, false, '', 0"""
    referrers = "JOIN nat_ref r ON r.n = {n} %% %(referrers)s"
    behind = referral_values.format(
        status="CASE WHEN e.closed THEN 'closed' ELSE 'enrolled' END",  # the referral follows the stay (0029)
        received="(e.start_date - 30)",
        pnr="e.pnr",
        first="e.first_name",
        last="e.last_name",
        decided="(e.start_date - 16) + time '14:00'",
        municipality="e.municipality_id",
        team="e.team_id",
        n="e.i",
    )
    referrals = _run(
        f"INSERT INTO referrals_referral ({referral_columns}) SELECT {behind} FROM nat_enr e {{}}".format(  # noqa: S608
            referrers.format(n="e.i")
        ),
        {**lists, "referrers": size.referrers},
    )
    _run("UPDATE nat_enr e SET referral_id = r.id FROM referrals_referral r WHERE r.personnummer = e.pnr")
    # ... and more in the triage statuses (the last 60 days) or rejected or declined (before).
    more = referral_values.format(
        status="x.status",
        received="x.received",
        pnr="lpad((1965 + g %% 40)::text, 4, '0') || '00' || lpad((900000 + g)::text, 6, '0')",
        first="'Remitterad'",
        last="'Nummer' || g",
        decided="CASE WHEN x.status IN ('rejected', 'declined') THEN x.received + time '14:00' END",
        municipality="m.municipality_id",
        team="t.team_id",
        n="g",
    )
    referrals += _run(
        f"""INSERT INTO referrals_referral ({referral_columns}) SELECT {more}
            FROM generate_series(1, %(extra)s) g
            CROSS JOIN LATERAL (SELECT current_date - (g * 1095 / %(extra)s) AS received) d
            CROSS JOIN LATERAL (SELECT d.received, CASE WHEN current_date - d.received < 60
                 THEN (ARRAY['submitted', 'needs_info', 'on_agenda', 'accepted'])[1 + g %% 4]
                 ELSE (ARRAY['rejected', 'declined'])[1 + g %% 2] END AS status) x
            JOIN nat_team t ON t.n = g %% %(teams)s
            JOIN nat_muni m ON m.team_n = t.n AND m.k = g %% 3
            {referrers.format(n="g")}""",  # noqa: S608 - our own SQL fragments
        {**lists, "referrers": size.referrers, "extra": size.extra_referrals, "teams": size.teams},
    )
    enrollments = _run(
        """INSERT INTO participants_enrollment (start_date, target_end, status, version, created_at,
                months_in_support_before, created_by_id, education_id, referral_id, responsible_id, second_contact_id,
                support_at_entry_id, team_id, occupation_before_id, participant_id)
           SELECT e.start_date, e.start_date + 540, CASE WHEN e.closed THEN 'closed' ELSE 'active' END, 1,
                  e.start_date + time '13:00', e.i %% 61, e.coordinator_id,
                  (%(educations)s::bigint[])[1 + e.i %% %(neducations)s], e.referral_id,
                  e.responsible_id, e.second_id,
                  (%(supports)s::bigint[])[1 + e.i %% %(nsupports)s], e.team_id,
                  (%(occupations)s::bigint[])[1 + e.i %% %(noccupations)s], e.participant_id
           FROM nat_enr e""",
        lists,
    )
    _run(
        "UPDATE nat_enr e SET enrollment_id = n.id FROM participants_enrollment n "
        "WHERE n.participant_id = e.participant_id"
    )
    _run("CREATE INDEX ON nat_enr (enrollment_id)")
    _run(
        """INSERT INTO participants_phaseperiod (phase, start, "end", reason, changed_by_id, enrollment_id)
           SELECT 'prova_pa', start_date, start_date + 28, '', coordinator_id, enrollment_id FROM nat_enr
           UNION ALL
           SELECT 'arbetsforberedande', start_date + 28, CASE WHEN closed THEN end_date END, '', coordinator_id,
                  enrollment_id FROM nat_enr"""
    )
    _run(
        """INSERT INTO participants_closure (date, summary, recommendations, care_provider_consulted, parties_consulted,
                closed_at, closed_by_id, support_after_id, enrollment_id, reason_id, occupation_after_id)
           SELECT end_date, '', '', false, false, end_date + time '15:00', coordinator_id,
                  (%(supports)s::bigint[])[1 + i %% %(nsupports)s], enrollment_id,
                  (%(reasons)s::bigint[])[1 + i %% %(nreasons)s],
                  (%(occupations)s::bigint[])[1 + (i / 3) %% %(noccupations)s]
           FROM nat_enr WHERE closed""",
        lists,
    )
    _bench_caseloads()
    return {"participants": enrollments, "enrollments": enrollments, "referrals": referrals}


def _bench_caseloads() -> None:
    """Min vecka at 40 and 160 rows: in the first national team, handledare01 is responsible for 40
    active enrolments and handledare02 second contact for 160 (as many as the team has)."""
    _run(
        """WITH active AS (SELECT e.enrollment_id, row_number() OVER (ORDER BY e.i) AS n FROM nat_enr e
                           WHERE e.team_n = 0 AND NOT e.closed),
                h AS (SELECT max(user_id) FILTER (WHERE role_k = 'handledare01') AS h1,
                             max(user_id) FILTER (WHERE role_k = 'handledare02') AS h2,
                             max(user_id) FILTER (WHERE role_k = 'handledare03') AS h3
                      FROM nat_staff WHERE team_n = 0)
           UPDATE participants_enrollment n SET
               responsible_id = CASE WHEN a.n <= 40 THEN h.h1 WHEN n.responsible_id IN (h.h1, h.h2) THEN h.h3
                                     ELSE n.responsible_id END,
               second_contact_id = CASE WHEN a.n <= 160 THEN h.h2
                                        WHEN n.second_contact_id IN (h.h1, h.h2) THEN NULL
                                        ELSE n.second_contact_id END
           FROM active a, h WHERE n.id = a.enrollment_id"""
    )
    _run(
        """UPDATE participants_enrollment n SET
               responsible_id = CASE WHEN n.responsible_id IN (s.h1, s.h2) THEN s.h3 ELSE n.responsible_id END,
               second_contact_id = CASE WHEN n.second_contact_id IN (s.h1, s.h2) THEN NULL
                                        ELSE n.second_contact_id END
           FROM (SELECT max(user_id) FILTER (WHERE role_k = 'handledare01') AS h1,
                        max(user_id) FILTER (WHERE role_k = 'handledare02') AS h2,
                        max(user_id) FILTER (WHERE role_k = 'handledare03') AS h3 FROM nat_staff WHERE team_n = 0) s,
                nat_enr e
           WHERE n.id = e.enrollment_id AND (e.closed OR e.team_n <> 0)
             AND (n.responsible_id IN (s.h1, s.h2) OR n.second_contact_id IN (s.h1, s.h2))"""
    )


def _activities() -> int:
    """Two activities a week from the start to the end (or today) of each enrolment: ~5 M at scale 1."""
    with indexes_dropped("participants_activity"):
        return _run(
            """INSERT INTO participants_activity (kind, date, duration_minutes, attendance, note, logged_at, version,
                                                 logged_by_id, enrollment_id)
               SELECT (ARRAY['fysisk', 'arbetstraning', 'kunskap', 'samtal'])[1 + (w * 2 + s + e.i) %% 4], d.day,
                      60 + 30 * ((w + s) %% 3),
                      (ARRAY['present', 'present', 'present', 'present', 'present', 'excused', 'unexcused'])
                          [1 + (w * 3 + s + e.i) %% 7],
                      '', d.day + time '16:00', 1, e.responsible_id, e.enrollment_id
               FROM nat_enr e
               CROSS JOIN LATERAL generate_series(0, (least(e.end_date, current_date) - e.start_date) / 7) w
               CROSS JOIN generate_series(0, 1) s
               CROSS JOIN LATERAL (SELECT e.start_date + w * 7 + s * 2 AS day) d
               WHERE d.day <= least(e.end_date, current_date)"""
        )


def _access_log(size: Size, progress: Callable[[str], None]) -> int:
    """Reads of enrolments, participants, referrals and activities by the enrolment's handledare (mostly)
    or coordinator, in time order over three years, each about someone enrolled at the time; 2 % are
    changes of user accounts (no person, no team), 0.2 % refused reads."""
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT model, id FROM django_content_type WHERE app_label IN ('participants', 'referrals', 'teams')
               AND model IN ('enrollment', 'participant', 'referral', 'activity', 'user')"""
        )
        types = dict(cursor.fetchall())
    with indexes_dropped("auditlog_logentry"):
        for low in range(0, size.log_rows, LOG_CHUNK):
            high = min(size.log_rows, low + LOG_CHUNK) - 1
            total += _run(
                """INSERT INTO auditlog_logentry (object_pk, object_id, object_repr, action, timestamp, actor_id,
                        content_type_id, remote_addr, additional_data, changes_text, actor_email, changes)
                   SELECT CASE WHEN x.kind = 4 THEN e.responsible_id ELSE o.id END::text,
                          CASE WHEN x.kind = 4 THEN e.responsible_id ELSE o.id END,
                          CASE WHEN x.kind = 4 THEN 'Handledare' ELSE e.first_name || ' ' || e.last_name END,
                          CASE WHEN x.kind = 4 THEN 1 ELSE 3 END, x.at,
                          CASE WHEN x.by_coordinator THEN e.coordinator_id ELSE e.responsible_id END,
                          (ARRAY[%(enrollment)s, %(participant)s, %(referral)s, %(activity)s, %(user)s])[x.kind + 1],
                          ('10.' || (e.team_n %% 250) || '.' || (g %% 250) || '.' || (1 + g %% 200))::inet,
                          CASE WHEN x.kind = 4 THEN NULL
                               ELSE jsonb_build_object('person', 'pnr:' || e.pnr, 'team', e.team_id)
                                    || CASE WHEN g %% 500 = 7 THEN '{"outcome": "denied"}'::jsonb
                                            WHEN x.kind = 0 AND g %% 3 = 0 THEN '{"what": "deltagarsida"}'::jsonb
                                            ELSE '{}'::jsonb END END,
                          '',
                          CASE WHEN x.by_coordinator THEN e.coordinator_email ELSE e.responsible_email END,
                          CASE WHEN x.kind = 4 THEN '{"last_login": ["", "nu"]}'::jsonb END
                   FROM generate_series(%(low)s::bigint, %(high)s::bigint) g
                   CROSS JOIN LATERAL (
                       SELECT now() - interval '1095 days' * (1 - g::float8 / %(rows)s)
                                    - interval '1 second' * ((g * 7919) %% 600) AS at,
                              CASE WHEN g %% 50 = 0 THEN 4 ELSE (g * 31) %% 4 END AS kind,
                              g %% 5 = 0 AS by_coordinator,
                              greatest(0, least(%(enrollments)s - 1,
                                  (g::bigint * %(enrollments)s / %(rows)s)::int
                                  - ((g * 2654435761) %% %(window)s)::int)) AS i
                   ) x
                   JOIN nat_enr e ON e.i = x.i
                   CROSS JOIN LATERAL (SELECT CASE x.kind WHEN 1 THEN e.participant_id WHEN 2 THEN e.referral_id
                                              ELSE e.enrollment_id END AS id) o""",
                {
                    **{key: types[key] for key in ("enrollment", "participant", "referral", "activity", "user")},
                    "low": low,
                    "high": high,
                    "rows": size.log_rows,
                    "enrollments": size.enrollments,
                    "window": max(1, size.enrollments * 300 // 1095),
                },
            )
            progress(f"  access log: {total:,} rows")
        progress("  access log: building indexes")
    return total


def seed_national(*, scale: float, progress: Callable[[str], None]) -> dict[str, object]:
    """Build the national data set at `scale` (1 = the full set). Raises RefusedError where it must not run."""
    if reason := refusal():
        raise RefusedError(reason)
    if already_seeded():
        return {"already_seeded": True}
    size = Size.at(scale)
    began = time.perf_counter()
    counts: dict[str, object] = {}
    with transaction.atomic():
        # Deferred checks of rows written before (the demo seeders, when the caller holds a transaction)
        # now: an index cannot be dropped or built while a table has pending trigger events.
        _run("SET CONSTRAINTS ALL IMMEDIATE")
        # Foreign keys are not checked row by row (their triggers do not fire for a replica): every id
        # comes from a row this transaction read. Saves most of the time of the 25 M rows; superuser only.
        _run("SET LOCAL session_replication_role = replica")
        counts.update(_organisation(size))
        progress(f"  organisation: {counts} ({time.perf_counter() - began:.0f} s)")
        counts.update(_journeys(size))
        progress(f"  journeys: {counts} ({time.perf_counter() - began:.0f} s)")
        counts["activities"] = _activities()
        progress(f"  activities: {counts['activities']:,} ({time.perf_counter() - began:.0f} s)")
        counts["log_rows"] = _access_log(size, progress)
    progress(f"  committed ({time.perf_counter() - began:.0f} s); second factors; VACUUM ANALYZE")
    progress(f"  {seed_demo_totp()}")  # every demo account signs in with the demo app, these too
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # a caller's transaction (the tests): VACUUM cannot run in one
            cursor.execute("ANALYZE")
        else:
            # The visibility map too: the sweeps' (date, enrollment) lookups become index-only scans
            # at once, instead of after autovacuum gets round to 25 M new rows.
            cursor.execute("VACUUM (ANALYZE)")
    counts["seconds"] = round(time.perf_counter() - began)
    return counts
