"""Close-time buckets: whole minutes below two hours, then 64 buckets per doubling.

A bucket is named by its lower bound in minutes. Below 128 minutes a bucket is one minute
wide; from there on each power of two [2^j, 2^(j+1)) minutes is cut into 64 equal buckets, so
a bucket is at most 1/64 of its lower bound wide. Its midpoint is then within 30 seconds or
0.8% (1/128) of every duration in it, and so is a median read from the buckets.
"""

from typing import Any

from sqlalchemy import ColumnElement, case

FINE_MINUTES = 128  # below this, one bucket per minute
SUBBUCKET_BITS = 6  # 64 buckets per doubling above it
MAX_DOUBLING = 30  # 2^31 minutes is four thousand years: nothing closes later


def close_bucket(minutes: int) -> int:
    """The bucket (its lower bound in minutes) of a duration of `minutes`."""
    minutes = max(minutes, 0)
    if minutes < FINE_MINUTES:
        return minutes
    width = 1 << (minutes.bit_length() - 1 - SUBBUCKET_BITS)
    return minutes - minutes % width


def bucket_width(bucket: int) -> int:
    """How many minutes the bucket spans."""
    if bucket < FINE_MINUTES:
        return 1
    return 1 << (bucket.bit_length() - 1 - SUBBUCKET_BITS)


def bucket_midpoint_minutes(bucket: int) -> float:
    """The value a bucket stands for when a median falls in it."""
    return bucket + bucket_width(bucket) / 2


def close_bucket_sql(minutes: Any) -> ColumnElement[int]:
    """SQL: `close_bucket` of an integer minutes expression (the same on both databases)."""
    whens = [(minutes < FINE_MINUTES, minutes)]
    for doubling in range(FINE_MINUTES.bit_length() - 1, MAX_DOUBLING + 1):
        width = 1 << (doubling - SUBBUCKET_BITS)
        whens.append((minutes < (2 << doubling), minutes - minutes % width))
    return case((minutes < 0, 0), *whens, else_=minutes)
