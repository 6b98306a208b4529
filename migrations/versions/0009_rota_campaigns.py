"""places, on-call rota, campaigns and permanences, closures (issue 12)

* ``place``: a structure that is not a person (MSP, centre de santé, pharmacie, mairie…),
  located like a site, optional FINESS; ``practice_site.place_id`` links a site to it.
* ``closure``: a professional or a place closed over a date range.
* ``shift`` / ``shift_reservation``: the CPTS's dated on-call turns with free places (never
  negative; no overlapping shifts for one professional: exclusion constraint with btree_gist,
  created in 0002) and who reserved a place.
* ``campaign`` / ``permanence``: dated public permanences of a campaign at a place or a site.

Dated rows keep their wall-clock Europe/Paris date and times and their UTC instants.
The DDL is a frozen copy (a migration must not change when the models do).

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DDL = """
CREATE TABLE place (
    id SERIAL NOT NULL,
    cpts_id INTEGER,
    name VARCHAR(300) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    finess VARCHAR(9),
    address VARCHAR(300) NOT NULL,
    postcode VARCHAR(10),
    commune_code VARCHAR(5),
    commune_name VARCHAR(200),
    phone VARCHAR(40),
    website VARCHAR(500),
    accessible BOOLEAN,
    notes TEXT,
    geom geometry(POINT,4326),
    geocode_score FLOAT,
    geocode_source VARCHAR(16),
    geocode_status VARCHAR(16) NOT NULL,
    precision VARCHAR(16),
    external_ref VARCHAR(100),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_place PRIMARY KEY (id),
    CONSTRAINT ck_place_kind CHECK (kind IN ('cabinet', 'msp', 'centre_sante', 'pharmacie', 'laboratoire', 'ehpad', 'etablissement', 'mairie', 'autre')),
    CONSTRAINT ck_place_finess_format CHECK (finess ~ '^([0-9]{2}|2[AB])[0-9]{7}$'),
    CONSTRAINT ck_place_geocode_source CHECK (geocode_source IN ('given', 'ban', 'commune')),
    CONSTRAINT ck_place_geocode_status CHECK (geocode_status IN ('ok', 'low_score', 'not_found', 'unavailable', 'pending')),
    CONSTRAINT ck_place_precision CHECK (precision IN ('address', 'street', 'commune_centroid')),
    CONSTRAINT ck_place_located_has_precision CHECK ((geom IS NULL) = (precision IS NULL)),
    CONSTRAINT fk_place_cpts_id_cpts FOREIGN KEY(cpts_id) REFERENCES cpts (id) ON DELETE SET NULL,
    CONSTRAINT uq_place_external_ref UNIQUE (external_ref)
);
CREATE INDEX ix_place_cpts ON place (cpts_id, kind);
CREATE TABLE closure (
    id SERIAL NOT NULL,
    professional_id INTEGER,
    place_id INTEGER,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    reason VARCHAR(300),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_closure PRIMARY KEY (id),
    CONSTRAINT ck_closure_one_owner CHECK ((professional_id IS NULL) <> (place_id IS NULL)),
    CONSTRAINT ck_closure_range CHECK (ends_on >= starts_on),
    CONSTRAINT fk_closure_professional_id_professional FOREIGN KEY(professional_id) REFERENCES professional (id) ON DELETE CASCADE,
    CONSTRAINT fk_closure_place_id_place FOREIGN KEY(place_id) REFERENCES place (id) ON DELETE CASCADE
);
CREATE INDEX ix_closure_professional_id ON closure (professional_id);
CREATE INDEX ix_closure_place_id ON closure (place_id);
CREATE TABLE shift (
    id SERIAL NOT NULL,
    cpts_id INTEGER NOT NULL,
    professional_id INTEGER NOT NULL,
    site_id INTEGER,
    place_id INTEGER,
    on_date DATE NOT NULL,
    start_time TIME WITHOUT TIME ZONE NOT NULL,
    end_time TIME WITHOUT TIME ZONE NOT NULL,
    starts_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at TIMESTAMP WITH TIME ZONE NOT NULL,
    free_places SMALLINT NOT NULL,
    note VARCHAR(500),
    updated_by VARCHAR(400),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_shift PRIMARY KEY (id),
    CONSTRAINT ck_shift_ordered CHECK (ends_at > starts_at),
    CONSTRAINT ck_shift_free_places_not_negative CHECK (free_places >= 0),
    CONSTRAINT ck_shift_free_places_bounded CHECK (free_places <= 500),
    CONSTRAINT ck_shift_one_location CHECK (site_id IS NULL OR place_id IS NULL),
    CONSTRAINT ex_shift_no_overlap EXCLUDE USING gist (professional_id WITH =, tstzrange(starts_at, ends_at) WITH &&),
    CONSTRAINT fk_shift_cpts_id_cpts FOREIGN KEY(cpts_id) REFERENCES cpts (id) ON DELETE CASCADE,
    CONSTRAINT fk_shift_professional_id_professional FOREIGN KEY(professional_id) REFERENCES professional (id) ON DELETE CASCADE,
    CONSTRAINT fk_shift_site_id_practice_site FOREIGN KEY(site_id) REFERENCES practice_site (id) ON DELETE SET NULL,
    CONSTRAINT fk_shift_place_id_place FOREIGN KEY(place_id) REFERENCES place (id) ON DELETE SET NULL
);
CREATE INDEX ix_shift_cpts_starts ON shift (cpts_id, starts_at);
CREATE INDEX ix_shift_professional_starts ON shift (professional_id, starts_at);
CREATE TABLE shift_reservation (
    id SERIAL NOT NULL,
    shift_id INTEGER NOT NULL,
    account_id INTEGER,
    professional_id INTEGER,
    actor VARCHAR(400) NOT NULL,
    note TEXT,
    reserved_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    cancelled_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_shift_reservation PRIMARY KEY (id),
    CONSTRAINT fk_shift_reservation_shift_id_shift FOREIGN KEY(shift_id) REFERENCES shift (id) ON DELETE CASCADE,
    CONSTRAINT fk_shift_reservation_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE SET NULL,
    CONSTRAINT fk_shift_reservation_professional_id_professional FOREIGN KEY(professional_id) REFERENCES professional (id) ON DELETE SET NULL
);
CREATE INDEX ix_shift_reservation_shift_id ON shift_reservation (shift_id);
CREATE TABLE campaign (
    id SERIAL NOT NULL,
    cpts_id INTEGER NOT NULL,
    slug VARCHAR(120) NOT NULL,
    name VARCHAR(200) NOT NULL,
    kind VARCHAR(24) NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    description TEXT,
    public BOOLEAN NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_campaign PRIMARY KEY (id),
    CONSTRAINT ck_campaign_kind CHECK (kind IN ('vaccination_grippe', 'vaccination_covid', 'vaccination', 'depistage', 'prevention', 'autre')),
    CONSTRAINT ck_campaign_period CHECK (ends_on >= starts_on),
    CONSTRAINT uq_campaign_cpts_id UNIQUE (cpts_id, slug),
    CONSTRAINT fk_campaign_cpts_id_cpts FOREIGN KEY(cpts_id) REFERENCES cpts (id) ON DELETE CASCADE
);
CREATE INDEX ix_campaign_cpts_id ON campaign (cpts_id);
CREATE TABLE permanence (
    id SERIAL NOT NULL,
    campaign_id INTEGER NOT NULL,
    place_id INTEGER,
    site_id INTEGER,
    on_date DATE NOT NULL,
    start_time TIME WITHOUT TIME ZONE NOT NULL,
    end_time TIME WITHOUT TIME ZONE NOT NULL,
    starts_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at TIMESTAMP WITH TIME ZONE NOT NULL,
    appointment VARCHAR(16) NOT NULL,
    notes TEXT,
    capacity SMALLINT,
    sequence INTEGER NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_permanence PRIMARY KEY (id),
    CONSTRAINT ck_permanence_ordered CHECK (ends_at > starts_at),
    CONSTRAINT ck_permanence_one_location CHECK ((site_id IS NULL) <> (place_id IS NULL)),
    CONSTRAINT ck_permanence_appointment CHECK (appointment IN ('sans_rdv', 'sur_rdv', 'les_deux')),
    CONSTRAINT ck_permanence_capacity CHECK (capacity IS NULL OR capacity BETWEEN 1 AND 10000),
    CONSTRAINT fk_permanence_campaign_id_campaign FOREIGN KEY(campaign_id) REFERENCES campaign (id) ON DELETE CASCADE,
    CONSTRAINT fk_permanence_place_id_place FOREIGN KEY(place_id) REFERENCES place (id) ON DELETE RESTRICT,
    CONSTRAINT fk_permanence_site_id_practice_site FOREIGN KEY(site_id) REFERENCES practice_site (id) ON DELETE RESTRICT
);
CREATE INDEX ix_permanence_campaign_starts ON permanence (campaign_id, starts_at);
CREATE INDEX ix_permanence_starts ON permanence (starts_at);
CREATE INDEX idx_place_geog ON place USING gist ((geom::geography)) WHERE geom IS NOT NULL;
ALTER TABLE practice_site ADD COLUMN place_id INTEGER
    CONSTRAINT fk_practice_site_place_id_place REFERENCES place (id) ON DELETE SET NULL;
CREATE INDEX ix_practice_site_place_id ON practice_site (place_id);
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("ALTER TABLE practice_site DROP COLUMN place_id")
    for table in ("permanence", "campaign", "shift_reservation", "shift", "closure", "place"):
        op.execute(f"DROP TABLE {table}")
