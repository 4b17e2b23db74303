class PlanImportAdminMixin:
    pass
