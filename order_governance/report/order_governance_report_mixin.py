import contextlib

from odoo import api, models
from odoo.tools import config


@contextlib.contextmanager
def replica_env(env):
    """``env`` on a cursor of the read replica when the server has one
    (``db_replica_host``), for the report reads that need not run on the
    primary: the workbook's and the digest's queries. ``env`` itself when
    there is no replica (or ``env`` is already read-only): a second cursor on
    the primary would only cost a connection. The data is that of the last
    commit replayed by the replica (a few milliseconds behind the primary):
    read what must be current, a wizard just saved, before.

    In the test mode of HTTP tests the cursor is Odoo's read-only test
    cursor: a report that wrote would fail there, as on a replica."""
    registry = env.registry
    if env.cr.readonly or (
        registry.test_cr is None and config["db_replica_host"] is False
    ):
        yield env
        return
    env.flush_all()  # what this transaction has pending, for the test mode
    # closing, not ``with cursor``: nothing to commit on a read-only cursor
    with contextlib.closing(registry.cursor(readonly=True)) as cr:
        yield env(cr=cr)


class OrderGovernanceReportMixin(models.AbstractModel):
    """Pivots of the large report views grouped on the columns alone.

    Grouped by many2one fields in their default order, Odoo joins the related
    tables to sort the groups by name and groups by those names too: PostgreSQL
    then sorts every row of the view (a million stays: most of the pivot's
    time) instead of hashing them. Here the query groups by the ids only and the
    few groups are put in the related models' order afterwards.

    The report views that inherit it have an ``order_id`` that names their
    rows."""

    _name = "order.governance.report.mixin"
    _description = "Order Governance Report Grouping"

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        groupby = list(groupby)
        if (
            groupby
            and not (offset or limit)
            # the order read_group gives when the client asks for none
            and order == ",".join(groupby)
            # many2one fields only ("date_in:month" and the like go as they are)
            and all(
                spec in self._fields and self._fields[spec].type == "many2one"
                for spec in groupby
            )
        ):
            rows = super()._read_group(domain, groupby, aggregates, having)
            return self._sorted_groups(rows, groupby)
        return super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    @api.depends("order_id")
    def _compute_display_name(self):
        # A row is named after its order, as the list's Order column shows it
        # (Odoo reads a many2one's name as superuser): a department manager
        # sees his department's stays of orders that have moved on to
        # departments he may not read, and opening such a row must not fail.
        for row in self:
            row.display_name = row.order_id.sudo().display_name

    @api.model
    def _sorted_groups(self, rows, groupby):
        """``rows`` in the order of the related records (their model's
        ``_order``), empty values last, as Odoo's own query would give them."""
        ranks = []
        for position, spec in enumerate(groupby):
            records = self.env[self._fields[spec].comodel_name].concat(
                *{row[position] for row in rows}
            )
            ordered = (
                records.sudo()  # the rank only: no value of them is returned
                .with_context(active_test=False)
                .sorted()
            )
            ranks.append({record.id: rank for rank, record in enumerate(ordered)})
        last = len(rows)
        return sorted(
            rows,
            key=lambda row: tuple(
                rank.get(row[position].id, last) if row[position] else last + 1
                for position, rank in enumerate(ranks)
            ),
        )
