"""items"""
from typing import Sequence, Union
from alembic import op
import sqlalchemy as sa

revision: str = "2b3c4d5e6f70"
down_revision: Union[str, None] = "1a2b3c4d5e6f"


def upgrade() -> None:
    op.create_table("items", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    pass
