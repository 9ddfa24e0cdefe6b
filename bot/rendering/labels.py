"""Names of enum values as people read them."""

from __future__ import annotations

from bot.domain.models import OrgType, Role
from bot.i18n import N_, Translator

ORG_TYPE_NAMES: dict[OrgType, str] = {
    OrgType.NNO: N_("NGO"),
    OrgType.PCR: N_("State police (PČR)"),
    OrgType.MPO: N_("Municipal police (MPO)"),
    OrgType.UMOB: N_("District office"),
    OrgType.ZS: N_("Primary school"),
    OrgType.MMO: N_("City hall (MMO)"),
    OrgType.APK: N_("Crime-prevention assistant"),
    OrgType.JINE: N_("Other"),
}

ROLE_NAMES: dict[Role, str] = {
    Role.MEMBER: N_("member"),
    Role.COORDINATOR: N_("coordinator"),
}


def org_type_name(t: Translator, org_type: OrgType) -> str:
    return t._(ORG_TYPE_NAMES[org_type])


def role_name(t: Translator, role: Role) -> str:
    return t._(ROLE_NAMES[role])


def former_member(t: Translator, org_type: OrgType | None) -> str:
    """How a person who left the team (or was erased) is shown in its records: "former member
    (State police)" — the organisation type without its abbreviation, so no parentheses nest."""
    if org_type is None:
        return t._("former member")
    kind = org_type_name(t, org_type).split(" (")[0]
    return t._("former member ({org_type})", org_type=kind)


def erased_person(t: Translator, user_id: int) -> str:
    """How the audit log shows a person erased on request: their pseudonym's number only
    (a stand-in user id is the negative of that number)."""
    return t._("erased person #{n}", n=abs(user_id))
