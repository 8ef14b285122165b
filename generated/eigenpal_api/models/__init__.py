"""Contains all the data models used in inputs/outputs"""

from .api_error_envelope import ApiErrorEnvelope
from .api_error_issue import ApiErrorIssue
from .api_error_issue_severity import ApiErrorIssueSeverity
from .cancel_outcome import CancelOutcome
from .cancel_workflow_execution_response import CancelWorkflowExecutionResponse
from .execution_failure import ExecutionFailure
from .execution_observability import ExecutionObservability
from .execution_phase import ExecutionPhase
from .execution_status import ExecutionStatus
from .execution_step import ExecutionStep
from .execution_summary import ExecutionSummary
from .execution_summary_workflow import ExecutionSummaryWorkflow
from .include_steps import IncludeSteps
from .list_versions_response import ListVersionsResponse
from .list_workflow_executions_response import ListWorkflowExecutionsResponse
from .list_workflows_response import ListWorkflowsResponse
from .run_overrides import RunOverrides
from .run_overrides_steps import RunOverridesSteps
from .run_overrides_steps_additional_property import RunOverridesStepsAdditionalProperty
from .run_trigger import RunTrigger
from .run_workflow_body import RunWorkflowBody
from .run_workflow_body_input import RunWorkflowBodyInput
from .run_workflow_multipart_body import RunWorkflowMultipartBody
from .run_workflow_response import RunWorkflowResponse
from .workflow_execution_status_response import WorkflowExecutionStatusResponse
from .workflow_kind import WorkflowKind
from .workflow_summary import WorkflowSummary
from .workflow_triggers import WorkflowTriggers
from .workflow_version import WorkflowVersion

__all__ = (
    "ApiErrorEnvelope",
    "ApiErrorIssue",
    "ApiErrorIssueSeverity",
    "CancelOutcome",
    "CancelWorkflowExecutionResponse",
    "ExecutionFailure",
    "ExecutionObservability",
    "ExecutionPhase",
    "ExecutionStatus",
    "ExecutionStep",
    "ExecutionSummary",
    "ExecutionSummaryWorkflow",
    "IncludeSteps",
    "ListVersionsResponse",
    "ListWorkflowExecutionsResponse",
    "ListWorkflowsResponse",
    "RunOverrides",
    "RunOverridesSteps",
    "RunOverridesStepsAdditionalProperty",
    "RunTrigger",
    "RunWorkflowBody",
    "RunWorkflowBodyInput",
    "RunWorkflowMultipartBody",
    "RunWorkflowResponse",
    "WorkflowExecutionStatusResponse",
    "WorkflowKind",
    "WorkflowSummary",
    "WorkflowTriggers",
    "WorkflowVersion",
)
