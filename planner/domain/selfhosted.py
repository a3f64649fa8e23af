"""Price per 1M tokens of a self-hosted model, from what its GPUs cost and how fast they run."""

from __future__ import annotations

from decimal import Decimal

from planner.domain.errors import InputError
from planner.domain.money import MILLION

SECONDS_PER_HOUR = Decimal(3600)


def self_hosted_price(
    gpu_hourly: Decimal, gpu_count: Decimal, throughput_tps: Decimal, utilization: Decimal
) -> Decimal:
    """$ per 1M tokens = (GPU $/hour x GPUs) / (tokens/s x 3600 x utilization) x 1,000,000.

    `throughput_tps` is what the whole deployment serves per second at full load; the
    utilization (0 < u <= 1) is the share of paid hours that actually serve traffic.
    """
    if gpu_hourly < 0:
        raise InputError("GPU $/hour: must be 0 or more")
    if gpu_count <= 0:
        raise InputError("GPU count: must be more than 0")
    if throughput_tps <= 0:
        raise InputError("Throughput: must be more than 0 tokens/s")
    if not (0 < utilization <= 1):
        raise InputError("Utilization: must be more than 0% and at most 100%")
    tokens_per_hour = throughput_tps * SECONDS_PER_HOUR * utilization
    return gpu_hourly * gpu_count / tokens_per_hour * MILLION


def self_hosted_prices(
    gpu_hourly: Decimal, gpu_count: Decimal, throughput_tps: Decimal, utilization: Decimal, input_share: Decimal
) -> tuple[Decimal, Decimal]:
    """(input, output) $ per 1M tokens: the output price above, and input priced at
    `input_share` (0..1) of it (prefill is often cheaper than decoding)."""
    if input_share < 0:
        raise InputError("Input price % of output: must be 0 or more")
    out = self_hosted_price(gpu_hourly, gpu_count, throughput_tps, utilization)
    return out * input_share, out
