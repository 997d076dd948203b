"""Request bodies and list queries as pydantic models (the contract's §4.2 and §4.3).

Bodies are validated strictly, like the real API's schemas: a string where a number belongs, or
`1` where a boolean belongs, is a 400 naming the field; a number is a JSON number, so `50.0` is
`50`. Unknown keys are ignored (the real API strips them: its documented examples send extra
keys), the create-only keys sent to `machines-update` included. Bounds are the spec's: it gives
none for `autoShutdownTimeout` and `autoSnapshotSaveCount` beyond being numbers.
Query strings are all text, so list queries are validated in lax mode (`limit=20` is a number).
"""

# ruff: noqa: N815 -- field names are the API's wire names (camelCase)
from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=255)]
PublicIpType = Literal["static", "dynamic", "none"]
SnapshotFrequency = Literal["hourly", "daily", "weekly", "monthly"]


def _whole_if_integral(value: float) -> float | int:
    # JSON has one number type: 50.0 and 50 are the same size.
    return int(value) if value.is_integer() else value


# Sizes in GB: which ones the API takes is the catalog's (`state.machine_specs`).
SizeGb = Annotated[float, Field(gt=0), AfterValidator(_whole_if_integral)]
ShutdownHours = Annotated[float, Field(gt=0), AfterValidator(_whole_if_integral)]
SaveCount = Annotated[float, Field(ge=0), AfterValidator(_whole_if_integral)]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class MachineSettings(Body):
    """The optional settings shared by machines-create and machines-update."""

    networkId: NonEmpty | None = None
    publicIpType: PublicIpType | None = None
    autoSnapshotEnabled: bool | None = None
    autoSnapshotFrequency: SnapshotFrequency | None = None
    autoSnapshotSaveCount: SaveCount | None = None
    autoShutdownEnabled: bool | None = None
    autoShutdownTimeout: ShutdownHours | None = None
    autoShutdownForce: bool | None = None
    restorePointEnabled: bool | None = None
    restorePointFrequency: Literal["shutdown"] | None = None


class MachineCreate(MachineSettings):
    name: Name
    machineType: NonEmpty
    templateId: NonEmpty
    region: NonEmpty
    diskSize: SizeGb
    takeInitialSnapshot: bool | None = None
    startupScriptId: NonEmpty | None = None
    emailPassword: bool | None = None
    startOnCreate: bool | None = None
    enableNvlink: bool | None = None
    accessorIds: list[str] | None = None


class MachineUpdate(MachineSettings):
    name: Name | None = None
    machineType: NonEmpty | None = None
    diskSize: SizeGb | None = None
    restorePointSnapshotId: NonEmpty | None = None


class SnapshotCreate(Body):
    machineId: NonEmpty
    name: Name


class OptionalName(Body):
    name: Name | None = None


class RequiredName(Body):
    name: Name


class SnapshotRestore(Body):
    createSnapshotBeforeRestore: bool | None = None


class NetworkCreate(Body):
    name: Name
    region: NonEmpty
    migrateMachines: bool | None = None


class PublicIpClaim(Body):
    region: NonEmpty


class PublicIpAssign(Body):
    # Required key, null allowed: null unassigns the address.
    machineId: NonEmpty | None


class TemplateCreate(Body):
    machineId: NonEmpty
    name: Name


class StartupScriptCreate(Body):
    name: Name
    script: Annotated[str, StringConstraints(min_length=1, max_length=65_536)]
    isRunOnce: bool | None = None


class StartupScriptUpdate(Body):
    name: Name | None = None
    script: Annotated[str, StringConstraints(min_length=1, max_length=65_536)] | None = None
    isRunOnce: bool | None = None
    isEnabled: bool | None = None


class MachineReference(Body):
    machineId: NonEmpty


class AccessorAdd(Body):
    userId: NonEmpty


class MembershipUpdate(Body):
    isAdmin: bool


MachineCount = Annotated[int, Field(ge=0)]
Minutes = Annotated[int | float, Field(gt=0)]


class AutoscalingGroupCreate(Body):
    name: Name
    clusterId: NonEmpty
    machineType: NonEmpty
    networkId: NonEmpty
    templateId: NonEmpty
    min: MachineCount
    max: MachineCount
    provisioningTimeout: Minutes | None = None
    startupScriptId: NonEmpty | None = None


class AutoscalingGroupUpdate(Body):
    name: Name | None = None
    clusterId: NonEmpty | None = None
    machineType: NonEmpty | None = None
    networkId: NonEmpty | None = None
    templateId: NonEmpty | None = None
    min: MachineCount | None = None
    max: MachineCount | None = None
    current: MachineCount | None = None
    provisioningTimeout: Minutes | None = None
    startupScriptId: NonEmpty | None = None


class SharedDriveCreate(Body):
    name: Name
    networkId: NonEmpty
    region: NonEmpty
    size: SizeGb


# ---------------------------------------------------------------------------------------------
# List queries
# ---------------------------------------------------------------------------------------------

DEFAULT_LIMIT = 20
MAX_LIMIT = 120


class ListQuery(BaseModel):
    """What every list operation takes; per-operation subclasses add orderBy and the filters."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    after: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    order: Literal["asc", "desc"] | None = None
    orderBy: str | None = None

    def filter_values(self) -> dict[str, str]:
        """The filters given (every field beyond the common ones), without the absent ones."""
        common = ListQuery.model_fields
        values = self.model_dump()
        return {
            key: str(value)
            for key, value in values.items()
            if key not in common and value is not None
        }


def list_query_model(
    operation_id: str, order_by: tuple[str, ...], filters: tuple[str, ...]
) -> type[ListQuery]:
    """The query model of one list operation: its orderBy enum and its string filters."""
    fields: dict[str, Any] = {
        "orderBy": (cast(Any, Literal[order_by]) | None, None),  # Literal of the enum values
    }
    for name in filters:
        fields[name] = (Annotated[str, StringConstraints(max_length=512)] | None, None)
    model_name = "".join(part.capitalize() for part in operation_id.split("-")) + "Query"
    return create_model(model_name, __base__=ListQuery, **fields)
