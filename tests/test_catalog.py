"""The bundled catalog (figures checked against /work/shared/reference/catalog.md) and overrides."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from pspace_py.catalog import (
    Catalog,
    CatalogError,
    StoragePrice,
    bundled_catalog,
    load_catalog,
)

CPU_LABELS = {f"C{n}" for n in range(1, 11)}
SINGLE_GPU_LABELS = {
    "GPU+", "M4000", "P4000", "P5000", "P6000", "RTX4000", "RTX5000", "A4000", "A5000", "A6000",
    "V100", "V100-32G", "A100", "A100-80G", "H100",
}  # fmt: skip
MULTI_GPU_LABELS = {
    "GPU+x2", "GPU+x4", "P4000x2", "P4000x4", "P5000x2", "P5000x4", "P6000x2", "P6000x4",
    "RTX4000x2", "RTX4000x4", "RTX5000x2", "RTX5000x4", "A4000x2", "A4000x4", "A5000x2",
    "A5000x4", "A6000x2", "A6000x4", "V100x2", "V100x4", "V100-32Gx2", "V100-32Gx4",
    "A100x2", "A100x4", "A100x8", "A100-80Gx2", "A100-80Gx4", "A100-80Gx8",
    "H100x2", "H100x4", "H100x8",
}  # fmt: skip
H100_FAMILY = {"H100", "H100x2", "H100x4", "H100x8"}
LINUX_TEMPLATE_IDS = {
    "t0nspur5", "tkni3aa4", "t17d1a6i", "tz0ireoj", "tvimtol9", "t7vp562h", "tilqt47t",
    "tqqsxr6b", "twnlo3zj", "t9taj00e", "t04azgph",
}  # fmt: skip
# In the real `pspace os-template list` of Nov 2024 (TPL-LIST); retired for users who joined
# after 1 Jul 2024 (DO-CORE), which the sandbox's user (2024-01-01) did not.
WINDOWS_TEMPLATE_IDS = {"tk9izniv", "taoz1uxr", "tnr2oh1m", "tv00h6iv", "tl1h5hec", "ta1b3le7"}
ALL_LABELS = CPU_LABELS | SINGLE_GPU_LABELS | MULTI_GPU_LABELS


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def raw_catalog_json() -> dict[str, object]:
    text = resources.files("pspace_py.data").joinpath("catalog.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def write_override(config_dir: Path, text: str) -> Path:
    path = config_dir / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- bundled data ------------------------------------------------------------------------------


def test_prices_are_dated_and_sourced(catalog: Catalog) -> None:
    assert catalog.prices_date == "2025-11-14"
    assert catalog.prices_source.startswith("https://docs.digitalocean.com/products/paperspace/")
    assert catalog.currency == "USD"


def test_exactly_the_orderable_labels(catalog: Catalog) -> None:
    assert set(catalog.machine_type_labels) == CPU_LABELS | SINGLE_GPU_LABELS | MULTI_GPU_LABELS
    assert len(catalog.machine_type_labels) == len(set(catalog.machine_type_labels))


@pytest.mark.parametrize(
    ("label", "cpus", "ram_gib", "hourly", "gpu_count", "gpu_memory_gb"),
    [
        ("C1", 1, "0.5", "0.0045", 0, None),
        ("C5", 4, "8", "0.08", 0, None),
        ("C10", 32, "244", "1.60", 0, None),
        ("A5000", 8, "45", "1.38", 1, 24),
        ("A100-80G", 12, "90", "3.18", 1, 80),
        ("H100", 20, "250", "5.95", 1, 80),
        ("H100x8", 128, "1638", "47.60", 8, 80),
        ("A6000x4", 32, "180", "7.56", 4, 48),
    ],
)
def test_machine_type_specs_match_the_reference(
    catalog: Catalog,
    label: str,
    cpus: int,
    ram_gib: str,
    hourly: str,
    gpu_count: int,
    gpu_memory_gb: int | None,
) -> None:
    machine_type = catalog.machine_type(label)
    assert machine_type is not None
    assert machine_type.cpus == cpus
    assert machine_type.ram_gib == Decimal(ram_gib)
    assert machine_type.hourly == Decimal(hourly)
    assert machine_type.gpu_count == gpu_count
    assert machine_type.gpu_memory_gb == gpu_memory_gb
    assert machine_type.kind == ("gpu" if gpu_count else "cpu")


def test_ram_bytes_match_what_the_api_reports(catalog: Catalog) -> None:
    # The console reports A5000 ram = 48318382080 bytes (catalog.md section 1).
    a5000 = catalog.machine_type("A5000")
    c1 = catalog.machine_type("C1")
    assert a5000 is not None
    assert c1 is not None
    assert a5000.ram_bytes == 48318382080
    assert c1.ram_bytes == 536870912


def test_multi_gpu_price_is_count_times_single_except_h100x2_x4(catalog: Catalog) -> None:
    # DO-PRICING's rule; the console's H100x2/x4 prices are the documented exceptions.
    for label in MULTI_GPU_LABELS - {"H100x2", "H100x4"}:
        base_label, count = label.rsplit("x", 1)
        multi = catalog.machine_type(label)
        base = catalog.machine_type(base_label)
        assert multi is not None
        assert base is not None
        assert base.hourly is not None
        assert multi.hourly == base.hourly * int(count), label
        assert multi.gpu_count == int(count)
        assert multi.gpu == base.gpu
        assert multi.gpu_memory_gb == base.gpu_memory_gb


def test_only_the_h100_family_needs_approval(catalog: Catalog) -> None:
    needing = {item.label for item in catalog.machine_types if item.needs_approval}
    assert needing == H100_FAMILY


def test_nvlink_types(catalog: Catalog) -> None:
    with_nvlink = {item.label for item in catalog.machine_types if item.nvlink}
    assert with_nvlink == {"V100-32Gx2", "V100-32Gx4", "A100-80Gx8", "H100x8"}


def test_every_price_in_the_data_file_is_a_decimal_string() -> None:
    data = raw_catalog_json()
    for item in data["machineTypes"]:  # type: ignore[attr-defined]
        assert isinstance(item["hourly"], str), item["label"]
        Decimal(item["hourly"])
    for table in ("disks", "snapshots", "customTemplates", "sharedDrives"):
        for band in data[table]:  # type: ignore[attr-defined]
            assert isinstance(band["hourly"], str)
            assert isinstance(band["monthlyCap"], str)


# -- regions -----------------------------------------------------------------------------------


def test_regions(catalog: Catalog) -> None:
    assert [(r.code, r.api_value, r.name) for r in catalog.regions] == [
        ("NY2", "ny2", "East Coast (NY2)"),
        ("CA1", "ca1", "West Coast (CA1)"),
        ("AMS1", "ams1", "Europe (AMS1)"),
    ]


def test_every_machine_type_region_is_known(catalog: Catalog) -> None:
    known = {"NY2", "CA1", "AMS1"}
    for machine_type in catalog.machine_types:
        assert machine_type.regions, machine_type.label
        assert set(machine_type.regions) <= known, machine_type.label


@pytest.mark.parametrize(
    ("label", "regions"),
    [
        ("C10", {"NY2", "CA1", "AMS1"}),
        ("GPU+", {"NY2", "AMS1"}),
        ("RTX5000", {"NY2"}),
        ("A5000", {"NY2", "CA1"}),
        ("H100", {"NY2"}),
        ("H100x8", {"NY2"}),
        # Console availability on 28 Dec 2025 listed these regions:
        ("A5000x2", {"NY2", "AMS1"}),
        ("RTX4000x2", {"NY2", "CA1"}),
        # Not available anywhere then: the single-GPU base's regions.
        ("GPU+x4", {"NY2", "AMS1"}),
        ("V100x2", {"NY2", "AMS1"}),
    ],
)
def test_machine_type_regions(catalog: Catalog, label: str, regions: set[str]) -> None:
    machine_type = catalog.machine_type(label)
    assert machine_type is not None
    assert set(machine_type.regions) == regions


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("NY2", "NY2"),
        ("ny2", "NY2"),
        ("East Coast (NY2)", "NY2"),
        ("  east coast (ny2) ", "NY2"),
        ("CA1", "CA1"),
        ("ca1", "CA1"),
        ("West Coast (CA1)", "CA1"),
        ("AMS1", "AMS1"),
        ("Ams1", "AMS1"),
        ("EUROPE (AMS1)", "AMS1"),
    ],
)
def test_normalize_region_spellings(catalog: Catalog, spelling: str, code: str) -> None:
    assert catalog.normalize_region(spelling).code == code
    assert load_catalog().normalize_region(spelling).code == code


@pytest.mark.parametrize("spelling", ["NY1", "", "East Coast", "new york"])
def test_normalize_region_rejects_unknown_and_lists_accepted(
    catalog: Catalog, spelling: str
) -> None:
    with pytest.raises(ValueError, match="unknown region") as excinfo:
        catalog.normalize_region(spelling)
    message = str(excinfo.value)
    for accepted in ("NY2", "ca1", "Europe (AMS1)"):
        assert accepted in message
    assert catalog.region(spelling) is None


def test_filter_machine_types(catalog: Catalog) -> None:
    cheap_gpus_ams = catalog.filter_machine_types(
        region="ams1", kind="gpu", max_hourly=Decimal("0.60")
    )
    # M4000 is GPU+ by its GPU's name (cloudypad's label; DO-PRICING "GPU+ (M4000)").
    assert {item.label for item in cheap_gpus_ams} == {"GPU+", "M4000", "P4000", "RTX4000"}
    cpus = catalog.filter_machine_types(kind="cpu")
    assert {item.label for item in cpus} == CPU_LABELS


# -- lookups -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "label"),
    [("A100-80G", "A100-80G"), ("a100-80g", "A100-80G"), ("gpu+x2", "GPU+x2"), ("c5", "C5")],
)
def test_machine_type_lookup_is_case_insensitive(catalog: Catalog, query: str, label: str) -> None:
    found = catalog.machine_type(query)
    assert found is not None
    assert found.label == label


def test_unknown_machine_type_is_none(catalog: Catalog) -> None:
    assert catalog.machine_type("B200") is None
    assert catalog.machine_type("A100-80G-PCIe") is None
    assert catalog.machine_type("Free-GPU") is None


def test_disk_sizes_and_prices(catalog: Catalog) -> None:
    assert catalog.disk_sizes == (50, 100, 250, 500, 1000, 2000)
    disk = catalog.disk_price(2000)
    assert disk is not None
    assert (disk.hourly, disk.monthly_cap) == (Decimal("0.1786"), Decimal("120.00"))
    assert catalog.disk_price(75) is None
    assert (catalog.public_ip.hourly, catalog.public_ip.monthly_cap) == (
        Decimal("0.0045"),
        Decimal("3.00"),
    )


def test_other_price_tables(catalog: Catalog) -> None:
    def by_size(table: tuple[StoragePrice, ...]) -> dict[int, tuple[Decimal, Decimal]]:
        return {price.size_gb: (price.hourly, price.monthly_cap) for price in table}

    assert by_size(catalog.snapshots)[500] == (Decimal("0.0030"), Decimal("2.00"))
    assert by_size(catalog.custom_templates)[1000] == (Decimal("0.0358"), Decimal("24.00"))
    assert by_size(catalog.shared_drives)[80000] == (Decimal("7.7381"), Decimal("5200.00"))
    assert catalog.private_network.monthly_cap == Decimal("1.00")


# -- OS templates ------------------------------------------------------------------------------


def test_templates_of_the_real_list_present(catalog: Catalog) -> None:
    ids = {template.id for template in catalog.os_templates}
    assert ids == LINUX_TEMPLATE_IDS | WINDOWS_TEMPLATE_IDS


def test_every_template_machine_type_exists(catalog: Catalog) -> None:
    for template in catalog.os_templates:
        assert template.machine_types, template.id
        for label in template.machine_types:
            assert catalog.machine_type(label) is not None, (template.id, label)
            assert catalog.machine_type(label).label == label  # type: ignore[union-attr]


def test_template_rules(catalog: Catalog) -> None:
    for template in catalog.os_templates:
        labels = set(template.machine_types)
        if "22.04" not in template.operating_system_label:
            assert not labels & H100_FAMILY, template.id
        if template.name.startswith("mliab-u22"):
            assert all(label.startswith(("A100", "H100")) for label in labels), template.id
    cpu_server = catalog.os_template("t0nspur5")
    u20_desktop = catalog.os_template("tz0ireoj")
    assert cpu_server is not None
    assert u20_desktop is not None
    # Public automation creates GPU machines with the Ubuntu Server templates (cloudypad's
    # RTX4000 default, Paperspace/cli#78's P4000); nothing restricts them to CPU types.
    assert set(cpu_server.machine_types) == ALL_LABELS
    assert "A100-80G" in u20_desktop.machine_types
    assert "H100" not in u20_desktop.machine_types


def test_templates_for(catalog: Catalog) -> None:
    h100_templates = {template.id for template in catalog.templates_for("h100")}
    assert {"tilqt47t", "t7vp562h", "t17d1a6i"} <= h100_templates
    assert "tz0ireoj" not in h100_templates
    assert "t0nspur5" in h100_templates
    assert {template.id for template in catalog.templates_for("C5")} >= {"t0nspur5", "tkni3aa4"}
    assert catalog.templates_for("B200") == ()


def test_template_labels_are_the_real_lists(catalog: Catalog) -> None:
    """`operatingSystemLabel` as the real list prints it (TPL-LIST, Nov 2024)."""
    for template_id in ("tvimtol9", "t7vp562h", "tilqt47t", "tqqsxr6b"):
        template = catalog.os_template(template_id)
        assert template is not None
        assert template.operating_system_label == "Ubuntu 22.04"
    windows = catalog.os_template("tnr2oh1m")
    assert windows is not None
    assert windows.operating_system_label == "Windows 10 (Server 2022) - Licensed"
    assert windows.agent_type == "WindowsDesktop"


def test_every_machine_type_and_template_names_its_sources() -> None:
    data = raw_catalog_json()
    keys = set(data["sources"])  # type: ignore[arg-type]
    for item in [*data["machineTypes"], *data["osTemplates"]]:  # type: ignore[misc]
        assert item["sources"], item.get("label", item.get("id"))
        assert set(item["sources"]) <= keys, item.get("label", item.get("id"))
    for where in data["sources"].values():  # type: ignore[union-attr]
        assert where["what"]
        assert where["where"]


def test_m4000_is_the_gpu_plus_machine(catalog: Catalog) -> None:
    m4000, gpu_plus = catalog.machine_type("M4000"), catalog.machine_type("GPU+")
    assert m4000 is not None
    assert gpu_plus is not None
    assert (m4000.cpus, m4000.ram_gib, m4000.gpu, m4000.hourly, m4000.regions) == (
        gpu_plus.cpus,
        gpu_plus.ram_gib,
        gpu_plus.gpu,
        gpu_plus.hourly,
        gpu_plus.regions,
    )


def test_sizes_the_api_accepts(catalog: Catalog) -> None:
    """The real openapi.json's `diskSize` and shared-drive `size` enums (SPEC-JSON)."""
    spec = (50, 100, 250, 500, 1000, 2000, 4000, 8000, 12000, 16000)
    assert catalog.accepted_disk_sizes == spec
    assert catalog.accepted_shared_drive_sizes == (*spec, 80000)  # + DO-PRICING's 80 TB
    assert catalog.disk_sizes == (50, 100, 250, 500, 1000, 2000)  # the priced ones


def test_template_fields(catalog: Catalog) -> None:
    template = catalog.os_template("t0nspur5")
    assert template is not None
    assert template.name == "prod-u22-cpu-241018"
    assert template.dt_created == "2024-10-18T00:00:00.000Z"
    assert template.agent_type == "LinuxHeadless"
    assert template.default_size_gb is None
    mliab = catalog.os_template("tvimtol9")
    assert mliab is not None
    assert mliab.default_size_gb == 100
    assert catalog.os_template("nope") is None


def test_template_dates_follow_the_build_date_in_the_name(catalog: Catalog) -> None:
    for template in catalog.os_templates:
        if template.dt_created is None:
            continue
        created = datetime.fromisoformat(template.dt_created.replace("Z", "+00:00"))
        assert created.strftime("%y%m%d") in template.name, template.id


# -- loading, caching, serialisation -----------------------------------------------------------


def test_bundled_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog()
    assert load_catalog() is bundled_catalog()


def test_config_dir_without_override_file_gives_bundled(tmp_path: Path) -> None:
    assert load_catalog(tmp_path) is bundled_catalog()


def test_importing_catalog_stays_light() -> None:
    code = (
        "import sys, pspace_py.catalog\n"
        "heavy = {'tomllib', 'tomli', 'httpx', 'rich', 'pydantic', 'pspace_py.pricing'}\n"
        "heavy &= set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- overrides ---------------------------------------------------------------------------------


def test_override_changes_a_price_and_adds_a_type(tmp_path: Path) -> None:
    path = write_override(
        tmp_path,
        """
[machine-types.a100-80g]
hourly = 2.90

[machine-types.B200]
hourly = "9.99"
gpu = "NVIDIA B200"
gpu-memory-gb = 192
regions = ["ny2", "Europe (AMS1)"]

[disks."50"]
hourly = "0.0070"

[public-ip]
monthly-cap = "2.50"
""",
    )
    catalog = load_catalog(tmp_path)
    assert catalog.override_path == path
    changed = catalog.machine_type("A100-80G")
    assert changed is not None
    assert changed.hourly == Decimal("2.90")
    assert changed.label == "A100-80G"
    assert changed.cpus == 12  # untouched fields keep the bundled values
    added = catalog.machine_type("b200")
    assert added is not None
    assert added.hourly == Decimal("9.99")
    assert (added.kind, added.gpu_count, added.gpu_memory_gb) == ("gpu", 1, 192)
    assert added.regions == ("NY2", "AMS1")
    disk = catalog.disk_price(50)
    assert disk is not None
    assert (disk.hourly, disk.monthly_cap) == (Decimal("0.0070"), Decimal("5.00"))
    assert catalog.public_ip.monthly_cap == Decimal("2.50")
    assert catalog.public_ip.hourly == Decimal("0.0045")
    # The cached bundled catalog is not modified.
    assert bundled_catalog().machine_type("A100-80G").hourly == Decimal("3.18")  # type: ignore[union-attr]
    assert bundled_catalog().machine_type("B200") is None


def test_override_new_cpu_type_defaults(tmp_path: Path) -> None:
    write_override(tmp_path, '[machine-types.C11]\nhourly = "2.40"\ncpus = 48\n')
    added = load_catalog(tmp_path).machine_type("C11")
    assert added is not None
    assert (added.kind, added.cpus, added.gpu, added.gpu_count) == ("cpu", 48, None, 0)
    assert added.regions == ("NY2", "CA1", "AMS1")


def test_override_adds_a_disk_size_in_order(tmp_path: Path) -> None:
    write_override(tmp_path, '[disks."4000"]\nhourly = "0.36"\nmonthly-cap = "240.00"\n')
    assert load_catalog(tmp_path).disk_sizes == (50, 100, 250, 500, 1000, 2000, 4000)


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write_override(tmp_path, '[machine-types.C5]\nhourly = "0.1"\nthis is not toml\n')
    with pytest.raises(CatalogError) as excinfo:
        load_catalog(tmp_path)
    assert str(path) in str(excinfo.value)
    assert "line 3" in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[machine-types.B200]\ngpu = "B200"\n', "needs at least `hourly`"),
        ('[machine-types.C5]\nhourly = "cheap"\n', "hourly"),
        ('[machine-types.C5]\nhourly = "-1"\n', "greater than or equal to 0"),
        ("[machine-types.C5]\ncpus = true\n", "[machine-types.C5] `cpus`"),
        ('[machine-types.C5]\ncpus = "4"\n', "valid integer"),
        ("[machine-types.C5]\nhourly = nan\n", "finite number"),
        ("[machine-types.C5]\nregions = [1]\n", "`regions`"),
        ('[machine-types."A 1"]\nhourly = true\n', '[machine-types."A 1"] `hourly`'),
        ("machine-types = 3\n", "[machine-types] must be a table"),
        ("[machine-types]\nC5 = 3\n", "[machine-types.C5] must be a table"),
        ('[disks."0"]\nhourly = "0.01"\nmonthly-cap = "1"\n', "whole number"),
        ('[machine-types.C5]\nprice = "1"\n', "'price'"),
        ('[machine-types.C5]\nregions = ["MARS1"]\n', "unknown region"),
        ('[machine-types.C5]\nkind = "tpu"\n', "kind"),
        ('[disks."75"]\nhourly = "0.01"\n', "needs both"),
        ('[disks."big"]\nhourly = "0.01"\nmonthly-cap = "1"\n', "whole number"),
        ('[public-ip]\ncost = "1"\n', "'cost'"),
        ('[snapshots."50"]\nhourly = "1"\n', "'snapshots'"),
    ],
)
def test_invalid_override_raises_catalog_error_naming_the_file(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = write_override(tmp_path, text)
    with pytest.raises(CatalogError) as excinfo:
        load_catalog(tmp_path)
    assert str(path) in str(excinfo.value)
    assert fragment in str(excinfo.value)


def test_only_the_first_of_several_problems_is_told_with_a_count(tmp_path: Path) -> None:
    write_override(tmp_path, '[machine-types.C5]\nhourly = "x"\ncpus = -1\n[public-ip]\nx = 1\n')
    with pytest.raises(CatalogError) as excinfo:
        load_catalog(tmp_path)
    assert "`hourly`" in str(excinfo.value)
    assert str(excinfo.value).endswith("(and 2 more problems)")


def test_the_override_checker_is_loaded_only_when_there_is_a_file(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pspace_py.catalog import load_catalog\n"
        "load_catalog(Path(sys.argv[1]))\n"
        "print('pydantic' in sys.modules)\n"
    )
    run = [sys.executable, "-c", code, str(tmp_path)]
    assert subprocess.run(run, check=True, capture_output=True, text=True).stdout == "False\n"
    write_override(tmp_path, '[machine-types.C5]\nhourly = "0.1"\n')
    assert subprocess.run(run, check=True, capture_output=True, text=True).stdout == "True\n"
