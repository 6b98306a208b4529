"""directory: professionals, practice sites, intervention zones, competencies, slots, members

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Search is nearest-neighbour on ``practice_site``: GiST indexes on ``geom::geography`` (KNN with
``<->`` gives sphere distances in metres, index-driven) and on ``(profession_code,
geom::geography)`` (btree_gist, created in 0002) so that "the 20 nearest nurses" walks only
nurses. ``practice_site.profession_code`` is a copy of the professional's, kept by triggers.
"""
import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: RPPS nomenclature (TRE_G15 ProfessionSante) and roles a CPTS includes that the RPPS has not.
PROFESSIONS = [
    ("10", "Médecin", "rpps"), ("21", "Pharmacien", "rpps"), ("26", "Audioprothésiste", "rpps"),
    ("28", "Opticien-lunetier", "rpps"), ("31", "Assistant dentaire", "rpps"),
    ("32", "Physicien médical", "rpps"), ("35", "Préparateur en pharmacie", "rpps"),
    ("36", "Préparateur en pharmacie hospitalière", "rpps"),
    ("40", "Chirurgien-dentiste", "rpps"), ("50", "Sage-femme", "rpps"),
    ("60", "Infirmier", "rpps"), ("69", "Infirmier psychiatrique", "rpps"),
    ("70", "Masseur-kinésithérapeute", "rpps"), ("80", "Pédicure-podologue", "rpps"),
    ("81", "Orthoprothésiste", "rpps"), ("82", "Podo-orthésiste", "rpps"),
    ("83", "Orthopédiste-orthésiste", "rpps"), ("84", "Oculariste", "rpps"),
    ("85", "Épithésiste", "rpps"), ("86", "Technicien de laboratoire médical", "rpps"),
    ("91", "Orthophoniste", "rpps"), ("92", "Orthoptiste", "rpps"),
    ("94", "Ergothérapeute", "rpps"), ("95", "Diététicien", "rpps"),
    ("96", "Psychomotricien", "rpps"), ("98", "Manipulateur ERM", "rpps"),
    ("psychologue", "Psychologue", "cpts"), ("travailleur-social", "Travailleur social", "cpts"),
    ("assistant-social", "Assistant de service social", "cpts"),
    ("mediateur-sante", "Médiateur en santé", "cpts"), ("coordinateur", "Coordinateur", "cpts"),
    ("assistant-medical", "Assistant médical", "cpts"),
    ("enseignant-apa", "Enseignant en activité physique adaptée", "cpts"),
    ("educateur-specialise", "Éducateur spécialisé", "cpts"),
]

COMPETENCIES = [
    ("plaies-cicatrisation", "Plaies et cicatrisation"), ("soins-palliatifs", "Soins palliatifs"),
    ("diabete", "Diabète"), ("pediatrie", "Pédiatrie"),
    ("etp", "Éducation thérapeutique du patient (ETP)"), ("sante-mentale", "Santé mentale"),
    ("langue-des-signes", "Langue des signes (LSF)"), ("gerontologie", "Gérontologie"),
    ("addictologie", "Addictologie"), ("sante-sexuelle", "Santé sexuelle et contraception"),
    ("ivg-medicamenteuse", "IVG médicamenteuse"), ("vaccination", "Vaccination"),
    ("douleur", "Douleur chronique"), ("handicap", "Handicap"), ("perinatalite", "Périnatalité"),
    ("nutrition", "Nutrition et obésité"), ("cardiologie", "Insuffisance cardiaque"),
    ("oncologie", "Soins de support en oncologie"), ("precarite", "Santé et précarité"),
    ("teleexpertise", "Téléexpertise"),
]


#: The spatial indexes of practice_site (also used by the benchmark to rebuild them).
SPATIAL_INDEXES = (
    "CREATE INDEX idx_practice_site_geog ON practice_site USING gist ((geom::geography)) "
    "WHERE geom IS NOT NULL",
    "CREATE INDEX idx_practice_site_profession_geog ON practice_site "
    "USING gist (profession_code, (geom::geography)) WHERE geom IS NOT NULL",
    "CREATE INDEX idx_practice_site_geom ON practice_site USING gist (geom) "
    "WHERE geom IS NOT NULL",
)


def upgrade() -> None:
    op.create_table(
        "profession",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False, server_default="rpps"),
        sa.PrimaryKeyConstraint("code", name="pk_profession"),
        sa.CheckConstraint("kind IN ('rpps', 'cpts')", name="ck_profession_kind"),
    )
    profession = sa.table("profession", sa.column("code"), sa.column("label"), sa.column("kind"))
    op.bulk_insert(profession, [{"code": c, "label": lb, "kind": k} for c, lb, k in PROFESSIONS])

    op.create_table(
        "competency",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_competency"),
        sa.UniqueConstraint("slug", name="uq_competency_slug"),
        sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="ck_competency_slug_format"),
    )
    competency = sa.table("competency", sa.column("slug"), sa.column("label"))
    op.bulk_insert(competency, [{"slug": s, "label": lb} for s, lb in COMPETENCIES])

    op.create_table(
        "professional",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rpps", sa.String(11)),
        sa.Column("adeli", sa.String(9)),
        sa.Column("external_ref", sa.String(100)),
        sa.Column("civility", sa.String(16)),
        sa.Column("first_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("profession_code", sa.String(32), nullable=False),
        sa.Column("specialty_code", sa.String(16)),
        sa.Column("specialty", sa.String(300)),
        sa.Column("accepts_new_patients", sa.Boolean),
        sa.Column("home_visits", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("teleconsultation", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("languages", postgresql.ARRAY(sa.String(3)), nullable=False,
                  server_default="{}"),
        sa.Column("accessible", sa.Boolean),
        sa.Column("phone", sa.String(40)),
        sa.Column("private_phone", sa.String(40)),
        sa.Column("email", sa.String(320)),
        sa.Column("public_email", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("website", sa.String(500)),
        sa.Column("source", sa.String(8), nullable=False, server_default="api"),
        sa.Column("last_verified_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_professional"),
        sa.UniqueConstraint("rpps", name="uq_professional_rpps"),
        sa.UniqueConstraint("adeli", name="uq_professional_adeli"),
        sa.UniqueConstraint("external_ref", name="uq_professional_external_ref"),
        sa.ForeignKeyConstraint(["profession_code"], ["profession.code"],
                                name="fk_professional_profession_code_profession"),
        sa.CheckConstraint("rpps ~ '^[0-9]{11}$'", name="ck_professional_rpps_format"),
        sa.CheckConstraint("adeli ~ '^[0-9A-Z]{9}$'", name="ck_professional_adeli_format"),
        sa.CheckConstraint("source IN ('api', 'csv', 'rpps', 'demo')",
                           name="ck_professional_source"),
    )
    op.create_index("ix_professional_name", "professional", ["last_name", "first_name", "id"])

    op.create_table(
        "practice_site",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("professional_id", sa.Integer, nullable=False),
        #: Copy of professional.profession_code (triggers below) for the (profession, point) index.
        sa.Column("profession_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(300)),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("postcode", sa.String(10)),
        sa.Column("commune_code", sa.String(5)),
        sa.Column("commune_name", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("address_key", sa.String(700), nullable=False),
        sa.Column("geom", geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False)),
        sa.Column("geocode_score", sa.Float),
        sa.Column("geocode_source", sa.String(16)),
        sa.Column("geocode_status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("precision", sa.String(16)),
        sa.Column("geocoded_at", sa.DateTime(timezone=True)),
        sa.Column("source", sa.String(8), nullable=False, server_default="api"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_practice_site"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE",
                                name="fk_practice_site_professional_id_professional"),
        sa.UniqueConstraint("professional_id", "address_key",
                            name="uq_practice_site_professional_id"),
        sa.CheckConstraint("geocode_source IN ('given', 'ban', 'commune')",
                           name="ck_practice_site_geocode_source"),
        sa.CheckConstraint(
            "geocode_status IN ('ok', 'low_score', 'not_found', 'unavailable', 'pending')",
            name="ck_practice_site_geocode_status"),
        sa.CheckConstraint("precision IN ('address', 'street', 'commune_centroid')",
                           name="ck_practice_site_precision"),
        sa.CheckConstraint("(geom IS NULL) = (precision IS NULL)",
                           name="ck_practice_site_located_has_precision"),
        sa.CheckConstraint("source IN ('api', 'csv', 'rpps', 'demo')",
                           name="ck_practice_site_source"),
    )
    # Partial: sites waiting for geocoding (no point yet) cost the spatial indexes nothing, which
    # keeps a national RPPS import fast; every spatial query says "geom IS NOT NULL".
    for sql in SPATIAL_INDEXES:
        op.execute(sql)
    op.execute("CREATE INDEX ix_practice_site_to_geocode ON practice_site (id) "
               "WHERE geocode_status IN ('pending', 'unavailable')")
    op.execute("""
        CREATE FUNCTION practice_site_profession() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          SELECT p.profession_code INTO NEW.profession_code
          FROM professional p WHERE p.id = NEW.professional_id;
          RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER practice_site_profession_ins BEFORE INSERT ON practice_site
        FOR EACH ROW WHEN (NEW.profession_code IS NULL) EXECUTE FUNCTION practice_site_profession()
    """)
    op.execute("""
        CREATE TRIGGER practice_site_profession_upd BEFORE UPDATE OF professional_id
        ON practice_site FOR EACH ROW EXECUTE FUNCTION practice_site_profession()
    """)
    op.execute("""
        CREATE FUNCTION professional_profession_to_sites() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE practice_site SET profession_code = NEW.profession_code
          WHERE professional_id = NEW.id;
          RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER professional_profession_sync AFTER UPDATE OF profession_code
        ON professional FOR EACH ROW
        WHEN (OLD.profession_code IS DISTINCT FROM NEW.profession_code)
        EXECUTE FUNCTION professional_profession_to_sites()
    """)

    op.create_table(
        "intervention_zone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("professional_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("communes", postgresql.ARRAY(sa.String(5))),
        sa.Column("radius_km", sa.Float),
        sa.Column("site_id", sa.Integer),
        sa.Column("geom", geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_intervention_zone"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE",
                                name="fk_intervention_zone_professional_id_professional"),
        sa.ForeignKeyConstraint(["site_id"], ["practice_site.id"], ondelete="SET NULL",
                                name="fk_intervention_zone_site_id_practice_site"),
        sa.CheckConstraint("kind IN ('communes', 'radius', 'drawn')",
                           name="ck_intervention_zone_kind"),
        sa.CheckConstraint("kind <> 'communes' OR cardinality(communes) > 0",
                           name="ck_intervention_zone_communes_listed"),
        sa.CheckConstraint("kind <> 'radius' OR radius_km > 0",
                           name="ck_intervention_zone_radius_positive"),
    )
    op.create_index("ix_intervention_zone_professional_id", "intervention_zone",
                    ["professional_id"])
    op.create_index("idx_intervention_zone_geom", "intervention_zone", ["geom"],
                    postgresql_using="gist")

    op.create_table(
        "professional_competency",
        sa.Column("professional_id", sa.Integer, nullable=False),
        sa.Column("competency_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("professional_id", "competency_id",
                                name="pk_professional_competency"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE",
                                name="fk_professional_competency_professional_id_professional"),
        sa.ForeignKeyConstraint(["competency_id"], ["competency.id"], ondelete="CASCADE",
                                name="fk_professional_competency_competency_id_competency"),
    )
    op.create_index("ix_professional_competency_competency_id", "professional_competency",
                    ["competency_id"])

    op.create_table(
        "slot",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("professional_id", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer),
        sa.Column("weekday", sa.SmallInteger, nullable=False),
        sa.Column("start_time", sa.Time, nullable=False),
        sa.Column("end_time", sa.Time, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_slot"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE",
                                name="fk_slot_professional_id_professional"),
        sa.ForeignKeyConstraint(["site_id"], ["practice_site.id"], ondelete="SET NULL",
                                name="fk_slot_site_id_practice_site"),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name="ck_slot_weekday"),
        sa.CheckConstraint("kind IN ('snp', 'vaccination', 'permanence')", name="ck_slot_kind"),
        sa.CheckConstraint("start_time <> end_time", name="ck_slot_not_empty"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                           name="ck_slot_validity"),
    )
    op.create_index("ix_slot_professional_id", "slot", ["professional_id"])

    op.create_table(
        "cpts_member",
        sa.Column("cpts_id", sa.Integer, nullable=False),
        sa.Column("professional_id", sa.Integer, nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("cpts_id", "professional_id", name="pk_cpts_member"),
        sa.ForeignKeyConstraint(["cpts_id"], ["cpts.id"], ondelete="CASCADE",
                                name="fk_cpts_member_cpts_id_cpts"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE",
                                name="fk_cpts_member_professional_id_professional"),
    )
    op.create_index("ix_cpts_member_professional_id", "cpts_member", ["professional_id"])

    op.create_table(
        "geocode_cache",
        sa.Column("key", sa.String(700), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("score", sa.Float),
        sa.Column("label", sa.String(400)),
        sa.Column("citycode", sa.String(5)),
        sa.Column("postcode", sa.String(10)),
        sa.Column("result_type", sa.String(32)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("key", name="pk_geocode_cache"),
        sa.CheckConstraint("status IN ('ok', 'not_found')", name="ck_geocode_cache_status"),
    )

    op.create_foreign_key("fk_account_professional_id_professional", "account", "professional",
                          ["professional_id"], ["id"])
    op.create_index("ix_account_professional_id", "account", ["professional_id"])


def downgrade() -> None:
    op.drop_index("ix_account_professional_id", table_name="account")
    op.drop_constraint("fk_account_professional_id_professional", "account", type_="foreignkey")
    op.drop_table("geocode_cache")
    op.drop_table("cpts_member")
    op.drop_table("slot")
    op.drop_table("professional_competency")
    op.drop_table("intervention_zone")
    op.execute("DROP TRIGGER IF EXISTS professional_profession_sync ON professional")
    op.drop_table("practice_site")
    op.execute("DROP FUNCTION IF EXISTS practice_site_profession()")
    op.execute("DROP FUNCTION IF EXISTS professional_profession_to_sites()")
    op.drop_table("professional")
    op.drop_table("competency")
    op.drop_table("profession")
