"""18.0.1.2.0: the Chinese glossary (see the README's Glossary). Odoo does not
update the translations of ``noupdate`` records that already have one: the data
records whose Chinese changed get the new term here, unless someone renamed them
(their value is not the one the previous version shipped)."""

from odoo import api
from odoo.tools import SQL

RENAMED = [
    # (xml id, model, field, Chinese shipped before, Chinese now)
    (
        "order_governance.mail_activity_type_health_check",
        "mail.activity.type",
        "name",
        "治理健康检查",
        "管控健康检查",
    ),
    (
        "order_governance.mail_activity_type_health_check",
        "mail.activity.type",
        "summary",
        "修正治理配置",
        "修正管控配置",
    ),
    (
        "order_governance.ir_cron_health_activity_ir_actions_server",
        "ir.actions.server",
        "name",
        "订单治理：每周健康检查提醒",
        "订单管控：每周健康检查提醒",
    ),
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    for xmlid, model, field, before, now in RENAMED:
        record = env.ref(xmlid, raise_if_not_found=False)
        if not record:
            continue
        table = env[model]._table
        cr.execute(
            SQL(
                "UPDATE %(table)s SET %(field)s = jsonb_set(%(field)s, '{zh_CN}', "
                "to_jsonb(%(now)s::text)) WHERE id = %(id)s "
                "AND %(field)s->>'zh_CN' = %(before)s",
                table=SQL.identifier(table),
                field=SQL.identifier(field),
                now=now,
                id=record.id,
                before=before,
            )
        )
    env.invalidate_all()
