"""The contract's field lists (docs: paperspace-api-v1.md §3), written out independently of the
sandbox's code so that a key added, dropped or renamed there fails a test."""

from __future__ import annotations

MACHINE_KEYS = [
    "accelerators",  # optional; the sandbox always emits it
    "agentType",
    "autoShutdownEnabled",
    "autoShutdownForce",
    "autoShutdownTimeout",
    "autoSnapshotEnabled",
    "autoSnapshotFrequency",
    "autoSnapshotSaveCount",
    "cpus",
    "dtCreated",
    "dtDeleted",
    "dtModified",
    "id",
    "machineType",
    "name",
    "networkId",
    "os",
    "privateIp",
    "publicIp",
    "publicIpType",
    "ram",
    "region",
    "reservation",
    "restorePointEnabled",
    "restorePointFrequency",
    "restorePointSnapshotId",
    "state",
    "storageRate",
    "storageTotal",
    "storageUsed",
    "updatesPending",
    "usageRate",
]
ACCELERATOR_KEYS = ["count", "memory", "name"]
EVENT_KEYS = ["dtCreated", "dtFinished", "dtStarted", "error", "id", "machineId", "name", "state"]
SNAPSHOT_KEYS = ["id", "isAutoSnapshot", "machineId", "name"]
PRIVATE_NETWORK_KEYS = ["dtCreated", "dtDeleted", "id", "name", "netmask", "network", "region"]
PUBLIC_IP_KEYS = ["assignedMachineId", "dtCreated", "ip", "region"]
OS_TEMPLATE_KEYS = [
    "agentType",
    "availableMachineTypes",
    "defaultSizeGb",
    "dtCreated",
    "id",
    "name",
    "operatingSystemLabel",
]
CUSTOM_TEMPLATE_KEYS = [
    "agentType",
    "availableMachineTypes",
    "defaultSizeGb",
    "dtCreated",
    "dtDeleted",
    "id",
    "name",
    "operatingSystemLabel",
    "parentMachineId",
    "region",
]
AVAILABLE_MACHINE_TYPE_KEYS = ["isAvailable", "machineTypeLabel"]
STARTUP_SCRIPT_KEYS = [
    "assignedMachineIds",
    "description",
    "dtCreated",
    "dtDeleted",
    "id",
    "isEnabled",
    "isRunOnce",
    "name",
]
SHARED_DRIVE_KEYS = [
    "dtCreated",
    "dtDeleted",
    "id",
    "mountPoint",
    "name",
    "networkId",
    "password",
    "region",
    "size",
    "username",
]
ACCOUNT_STANDING_KEYS = ["hasPaymentMethod", "isAdminLocked", "isInGoodStanding", "messages"]
SESSION_KEYS = ["team", "user"]
SESSION_TEAM_KEYS = ["analyticsId", "id", "isPrivate", "maxMachines", "namespace"]
USER_KEYS = [
    "analyticsId",
    "dtConfirmed",
    "dtCreated",
    "email",
    "firstName",
    "id",
    "isPasswordAuthEnabled",
    "isPhoneVerified",
    "isQrCodeBasedMfaConfirmed",
    "isQrCodeBasedMfaEnabled",
    "lastName",
    "metadata",
    "preferences",  # optional; emitted
    "teamMemberships",
]
USER_METADATA_KEYS = ["coreSurvey", "gradientSurvey", "graphcoreTermsAccepted", "tags"]
USER_PREFERENCES_KEYS = ["defaultProduct", "defaultTeamId", "disableHotkeys", "fontSize", "theme"]
MEMBERSHIP_KEYS = ["isAdmin", "isOwner", "team"]
MEMBERSHIP_TEAM_KEYS = [
    "dtCreated",
    "id",
    "isUserTeam",
    "name",
    "namespace",
    "publicProfileImageUrl",
]
# Users on machines and autoscaling groups: the official CLI's api/openapi.ts (SPEC-CLI).
ACCESSOR_KEYS = ["dtDeleted", "user"]
ACCESSOR_USER_KEYS = ["email", "firstName", "id", "lastName", "publicProfileImageUrl"]
TEAM_MEMBER_KEYS = ["dtConfirmed", "isAdmin", "isOwner", "user"]
TEAM_USER_KEYS = ["email", "firstName", "id", "lastActive", "lastName", "publicProfileImageUrl"]
TEAM_MEMBERSHIP_KEYS = ["dtConfirmed", "dtDeleted", "isAdmin", "isOwner"]
AUTOSCALING_GROUP_KEYS = [
    "clusterId",
    "current",
    "dtCreated",
    "dtDeleted",
    "dtModified",
    "id",
    "lastEditedByUserId",
    "machineType",
    "max",
    "min",
    "name",
    "networkId",
    "provisioningTimeout",
    "startupScriptId",
    "templateId",
]
LIST_KEYS = ["hasMore", "items", "nextPage"]
ERROR_CODES = {
    "PARSE_ERROR",
    "BAD_REQUEST",
    "INTERNAL_SERVER_ERROR",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_SUPPORTED",
    "TIMEOUT",
    "CONFLICT",
    "PRECONDITION_FAILED",
    "PAYLOAD_TOO_LARGE",
    "TOO_MANY_REQUESTS",
    "CLIENT_CLOSED_REQUEST",
}
MACHINE_STATES = {
    "off",
    "starting",
    "stopping",
    "restarting",
    "serviceready",
    "ready",
    "upgrading",
    "provisioning",
}
EVENT_STATES = {"new", "in progress", "done", "error", "cancelled"}
ISO_MS_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
