"""Incentives (DOMAIN.md, "Incentives"): one module per mechanism, every model importable from
here. catalog: the measures (激励措施目录); records: incentive records (奖惩记录) of a cadre or a
team; rules: accumulation rules (累加) as versioned data, and the proposals the rules that need
a decision make; ledger: the tallied ledger (激励台账); timely: 及时奖励 nominations; unfit: the
不适宜担任现职 situation catalog."""

from .catalog import *  # noqa: F403
from .ledger import *  # noqa: F403
from .records import *  # noqa: F403
from .rules import *  # noqa: F403
from .timely import *  # noqa: F403
from .unfit import *  # noqa: F403
