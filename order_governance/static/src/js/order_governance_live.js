/** @odoo-module **/
/**
 * Live desks: a handoff made anywhere (another user, a delivery validated in
 * Inventory, the SLA watch) reaches every open Order Desk and order form within a
 * second, without a reload. The server sends one bus notification per company and
 * transaction with the ids of the records that changed, never their data: each
 * view reloads what its user may read.
 */
import { onMounted, onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { ListController } from "@web/views/list/list_controller";

export const LIVE_NOTIFICATION = "order_governance/records_changed";
const LIVE_MODELS = new Set(["sale.order"]);
// several notifications in a row (a batch, its events) make one reload
const DEBOUNCE_MS = 250;

export const governanceLiveService = {
    dependencies: ["bus_service"],
    start(env, { bus_service }) {
        const listeners = new Set();
        let started = false;
        bus_service.subscribe(LIVE_NOTIFICATION, (payload) => {
            for (const listener of [...listeners]) {
                listener(payload);
            }
        });
        return {
            /** Call ``listener(payload)`` on each notification; returns the unsubscriber. */
            listen(listener) {
                if (!started) {
                    started = true;
                    bus_service.start();
                }
                listeners.add(listener);
                return () => listeners.delete(listener);
            },
        };
    },
};
registry.category("services").add("order_governance_live", governanceLiveService);

/** Call ``onChange(ids)`` (debounced) when records of the view's model change. */
function useGovernanceLive(controller, onChange) {
    if (!LIVE_MODELS.has(controller.props.resModel)) {
        return;
    }
    const live = useService("order_governance_live");
    let stop = null;
    let timer = null;
    let pending = new Set();
    onMounted(() => {
        stop = live.listen((payload) => {
            if (payload.model !== controller.props.resModel) {
                return;
            }
            payload.ids.forEach((id) => pending.add(id));
            clearTimeout(timer);
            timer = setTimeout(() => {
                const ids = pending;
                pending = new Set();
                onChange(ids);
            }, DEBOUNCE_MS);
        });
    });
    onWillUnmount(() => {
        clearTimeout(timer);
        if (stop) {
            stop();
        }
    });
}

/** A list or kanban reloads unless its user is editing a record in it. */
async function reloadRecords(controller) {
    const root = controller.model.root;
    if (!root || root.editedRecord || controller.model.useSampleModel) {
        return;
    }
    await root.load();
}

patch(KanbanController.prototype, {
    setup() {
        super.setup(...arguments);
        useGovernanceLive(this, () => reloadRecords(this));
    },
});

patch(ListController.prototype, {
    setup() {
        super.setup(...arguments);
        useGovernanceLive(this, () => reloadRecords(this));
    },
});

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        useGovernanceLive(this, async (ids) => {
            const record = this.model.root;
            if (!record || !record.resId || !ids.has(record.resId) || record.dirty) {
                return;
            }
            // the change may have taken the order out of its user's sight: then
            // leave the form as it is rather than reload into an access error
            const visible = await this.orm.searchCount(record.resModel, [
                ["id", "=", record.resId],
            ]);
            if (visible && !record.dirty) {
                await record.load();
            }
        });
    },
});
