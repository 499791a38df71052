#!/usr/bin/env python3
"""Writes an Alembic project with a linear chain of N revisions (for benchmarks).

usage: make_chain.py DIR N
The project is what `alembic init migrations` makes, with sqlalchemy.url = sqlite:///app.db,
and N revision files in the generic template's format, each creating one small table.
"""
import os
import sys

directory, count = sys.argv[1], int(sys.argv[2])
versions = os.path.join(directory, "migrations", "versions")
os.makedirs(versions, exist_ok=True)
template = '''"""step {n}

Revision ID: {rev}
Revises: {down_text}
Create Date: 2026-11-28 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '{rev}'
down_revision: Union[str, Sequence[str], None] = {down}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('t{n}', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('t{n}')
'''
previous = None
for n in range(1, count + 1):
    rev = "%012x" % (0xB000000000 + n)
    with open(os.path.join(versions, "%s_step_%d.py" % (rev, n)), "w") as handle:
        handle.write(template.format(n=n, rev=rev, down=repr(previous), down_text=previous or ""))
    previous = rev
