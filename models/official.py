"""The official and the basic-information section (§2.1: personal facts and contact)."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, Column, ForeignKey, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import relationship

from security.keys import keyring

from .base import SourceMixin, code_column, date_column
from .encryption import Sensitive, sensitive_column
from .roster_fields import Age, Field, Member

# official_status codes of an official who has left: retired, transferred out, deceased.
IN_OFFICE = "1"
LEFT = ("2", "3", "4")

# The basic information as the official page and its printout show it, in the order of §2.1.
BASIC_FIELDS = (
    "name", "former_names", "gender", "birth_date", "ethnicity", "native_place", "political_status",
    "education", "degree", "work_start_date", "party_join_date", "citizen_id",
    "department", "post", "status", "left_on",
)
CONTACT_FIELDS = ("office_phone", "mobile", "email")


class Official(SourceMixin, Model):
    __tablename__ = "official"
    __table_args__ = (
        UniqueConstraint("citizen_id_index", name="uq_official_citizen_id_index"),
        # Every list carries review_state = 'approved' (models.visibility) and is
        # ordered by name: these let a page of 25 come straight off an index,
        # whole archive or one department, instead of sorting every official.
        Index("ix_official_state_name", "review_state", "name"),
        Index("ix_official_department_state_name", "department_id", "review_state", "name"),
        # Name-prefix search (LIKE '王%'): PostgreSQL uses an index for a prefix only
        # in pattern order, whatever the database's collation.
        Index("ix_official_state_name_prefix", "review_state", "name",
              postgresql_ops={"name": "varchar_pattern_ops"}),
        Index("ix_official_department_state_name_prefix", "department_id", "review_state", "name",
              postgresql_ops={"name": "varchar_pattern_ops"}),
        # Search by pinyin, full or initials, as a prefix (models.search).
        Index("ix_official_state_name_pinyin", "review_state", "name_pinyin",
              postgresql_ops={"name_pinyin": "varchar_pattern_ops"}),
        Index("ix_official_state_name_initials", "review_state", "name_initials",
              postgresql_ops={"name_initials": "varchar_pattern_ops"}),
        Index("ix_official_state_name_pinyin_short", "review_state", "name_pinyin_short",
              postgresql_ops={"name_pinyin_short": "varchar_pattern_ops"}),
        # Former names' keys are matched anywhere in the column (LIKE '% key%'): only the
        # few officials who have one are indexed, and the search reads that index, not the archive.
        Index("ix_official_former_names_keys", "review_state", "former_names_keys",
              sqlite_where=text("former_names_keys IS NOT NULL"),
              postgresql_where=text("former_names_keys IS NOT NULL")),
    )
    __versioned__ = {}

    section_key = "basic"
    section_area = "basic"
    section_label = _l("Basic information")
    roster_columns = (
        Field("name", filters=("contains",)),
        Field("former_names", filters=("contains",)),
        Field("gender", code_table="gender", filters=("eq",)),
        Field("birth_date", kind="date"),
        Age("age"),
        Field("ethnicity", code_table="ethnicity", filters=("eq",)),
        Field("native_place"),
        Field("political_status", code_table="political_status", filters=("eq",)),
        Member("party_member", of="political_status", codes=("01", "02")),
        Field("education", code_table="education", filters=("eq",)),
        Field("degree", code_table="degree", filters=("eq",)),
        Field("work_start_date", kind="date"),
        Field("party_join_date", kind="date"),
        Field("department", filters=("in",)),
        Field("post", filters=("contains",)),
        Field("status", code_table="official_status", filters=("eq",)),
        Field("left_on", kind="date"),
        Field("citizen_id", mask="citizen_id"),
        Field("office_phone", mask="phone"),
        Field("mobile", mask="mobile"),
        Field("email", mask="email"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, index=True)
    # Pinyin search keys of the name, kept current on every write path (models.pinyin).
    name_pinyin = Column(String(200))
    name_initials = Column(String(50))
    name_pinyin_short = Column(String(100))
    # Former names (曾用名), as written, separated by 、 (or a comma); their pinyin keys,
    # each prefixed by a space so that a pinyin prefix is found at the start of any of them.
    former_names = Column(String(200))
    former_names_keys = Column(String(1000))
    gender = code_column("gender", nullable=False)
    birth_date = date_column(nullable=False, birth=True)
    ethnicity = code_column("ethnicity")
    native_place = Column(String(100))
    political_status = code_column("political_status")
    education = code_column("education")
    degree = code_column("degree")
    work_start_date = date_column(min_age=16)
    party_join_date = date_column(min_age=18)
    _citizen_id = sensitive_column("citizen_id", format="citizen_id")
    citizen_id = Sensitive("_citizen_id")
    # A keyed hash of the citizen ID: uniqueness and exact lookup without the plaintext.
    citizen_id_index = Column(String(64))
    department_id = Column(Integer, ForeignKey("department.id"), nullable=False, index=True)
    department = relationship("Department", foreign_keys=[department_id])
    post = Column(String(100), index=True)
    status = code_column("official_status", nullable=False, default="1", index=True)
    # The date the status became what it is for an official who left (retired, transferred
    # out, deceased): the date of the decision or event, entered with the status and reviewed
    # like it. The retention schedule runs "from leaving" from it (models.disposal.retention),
    # not from when a clerk happened to record the change.
    left_on = date_column(after="birth_date", present_when=("status", LEFT))
    _office_phone = sensitive_column("office_phone", format="phone")
    office_phone = Sensitive("_office_phone")
    _mobile = sensitive_column("mobile", format="mobile")
    mobile = Sensitive("_mobile")
    _email = sensitive_column("email", format="email")
    email = Sensitive("_email")
    # The official's own login, for self-service (§3.1 channel 1).
    account_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    account = relationship("User", foreign_keys=[account_id])

    @property
    def official(self):
        return self

    def on_sensitive_encrypted(self, name):
        if name == "citizen_id":
            value = self.citizen_id
            self.citizen_id_index = keyring().blind_index(value) if value else None

    def __repr__(self):
        return self.name
