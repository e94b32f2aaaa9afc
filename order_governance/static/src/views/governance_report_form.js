import { registry } from "@web/core/registry";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";

/**
 * A report-like page built on a transient record (Bottlenecks, Responsibility
 * Matrix, ...): its filters are no document to save, so no save/discard
 * indicator; the breadcrumb shows the record's display name, which the model
 * computes as the page's title (never "New").
 */
export class GovernanceReportFormController extends FormController {
    static template = "order_governance.GovernanceReportFormView";

    displayName() {
        return this.model.root.data.display_name || super.displayName();
    }
}

export const governanceReportFormView = {
    ...formView,
    Controller: GovernanceReportFormController,
};

registry.category("views").add("governance_report_form", governanceReportFormView);
