"""Contains all the data models used in inputs/outputs"""

from .abort_file_upload_response import AbortFileUploadResponse
from .api_error_envelope import ApiErrorEnvelope
from .api_error_issue import ApiErrorIssue
from .api_error_issue_severity import ApiErrorIssueSeverity
from .auth_check_response import AuthCheckResponse
from .cancel_outcome import CancelOutcome
from .cancel_workflow_execution_response import CancelWorkflowExecutionResponse
from .delete_file_response import DeleteFileResponse
from .execution_failure import ExecutionFailure
from .execution_observability import ExecutionObservability
from .execution_phase import ExecutionPhase
from .execution_status import ExecutionStatus
from .execution_step import ExecutionStep
from .execution_summary import ExecutionSummary
from .execution_summary_workflow import ExecutionSummaryWorkflow
from .file_id_reference import FileIdReference
from .file_purpose import FilePurpose
from .file_upload_multipart_body import FileUploadMultipartBody
from .file_upload_request import FileUploadRequest
from .file_upload_session import FileUploadSession
from .file_upload_session_headers import FileUploadSessionHeaders
from .file_upload_transport import FileUploadTransport
from .include_steps import IncludeSteps
from .inline_file import InlineFile
from .inline_file_reference import InlineFileReference
from .list_versions_response import ListVersionsResponse
from .list_workflow_executions_response import ListWorkflowExecutionsResponse
from .list_workflows_response import ListWorkflowsResponse
from .run import Run
from .run_artifact import RunArtifact
from .run_cancel_response import RunCancelResponse
from .run_cancellation import RunCancellation
from .run_cancellation_state import RunCancellationState
from .run_debug import RunDebug
from .run_eval import RunEval
from .run_event import RunEvent
from .run_event_metadata import RunEventMetadata
from .run_events_response import RunEventsResponse
from .run_execution import RunExecution
from .run_execution_next_run import RunExecutionNextRun
from .run_execution_retry import RunExecutionRetry
from .run_input import RunInput
from .run_input_file import RunInputFile
from .run_overrides import RunOverrides
from .run_overrides_steps import RunOverridesSteps
from .run_overrides_steps_additional_property import RunOverridesStepsAdditionalProperty
from .run_source import RunSource
from .run_source_git import RunSourceGit
from .run_start_body import RunStartBody
from .run_start_body_files import RunStartBodyFiles
from .run_start_body_input import RunStartBodyInput
from .run_start_body_metadata import RunStartBodyMetadata
from .run_start_multipart_body import RunStartMultipartBody
from .run_start_multipart_body_input import RunStartMultipartBodyInput
from .run_start_multipart_body_metadata import RunStartMultipartBodyMetadata
from .run_steps_response import RunStepsResponse
from .run_timing import RunTiming
from .run_trigger import RunTrigger
from .run_trigger_details import RunTriggerDetails
from .run_trigger_user import RunTriggerUser
from .run_type import RunType
from .run_usage import RunUsage
from .run_usage_tokens import RunUsageTokens
from .run_workflow_body import RunWorkflowBody
from .run_workflow_body_input import RunWorkflowBodyInput
from .run_workflow_multipart_body import RunWorkflowMultipartBody
from .run_workflow_response import RunWorkflowResponse
from .runs_list_response import RunsListResponse
from .uploaded_file import UploadedFile
from .workflow_execution_status_response import WorkflowExecutionStatusResponse
from .workflow_kind import WorkflowKind
from .workflow_summary import WorkflowSummary
from .workflow_triggers import WorkflowTriggers
from .workflow_version import WorkflowVersion

__all__ = (
    "AbortFileUploadResponse",
    "ApiErrorEnvelope",
    "ApiErrorIssue",
    "ApiErrorIssueSeverity",
    "AuthCheckResponse",
    "CancelOutcome",
    "CancelWorkflowExecutionResponse",
    "DeleteFileResponse",
    "ExecutionFailure",
    "ExecutionObservability",
    "ExecutionPhase",
    "ExecutionStatus",
    "ExecutionStep",
    "ExecutionSummary",
    "ExecutionSummaryWorkflow",
    "FileIdReference",
    "FilePurpose",
    "FileUploadMultipartBody",
    "FileUploadRequest",
    "FileUploadSession",
    "FileUploadSessionHeaders",
    "FileUploadTransport",
    "IncludeSteps",
    "InlineFile",
    "InlineFileReference",
    "ListVersionsResponse",
    "ListWorkflowExecutionsResponse",
    "ListWorkflowsResponse",
    "Run",
    "RunArtifact",
    "RunCancellation",
    "RunCancellationState",
    "RunCancelResponse",
    "RunDebug",
    "RunEval",
    "RunEvent",
    "RunEventMetadata",
    "RunEventsResponse",
    "RunExecution",
    "RunExecutionNextRun",
    "RunExecutionRetry",
    "RunInput",
    "RunInputFile",
    "RunOverrides",
    "RunOverridesSteps",
    "RunOverridesStepsAdditionalProperty",
    "RunsListResponse",
    "RunSource",
    "RunSourceGit",
    "RunStartBody",
    "RunStartBodyFiles",
    "RunStartBodyInput",
    "RunStartBodyMetadata",
    "RunStartMultipartBody",
    "RunStartMultipartBodyInput",
    "RunStartMultipartBodyMetadata",
    "RunStepsResponse",
    "RunTiming",
    "RunTrigger",
    "RunTriggerDetails",
    "RunTriggerUser",
    "RunType",
    "RunUsage",
    "RunUsageTokens",
    "RunWorkflowBody",
    "RunWorkflowBodyInput",
    "RunWorkflowMultipartBody",
    "RunWorkflowResponse",
    "UploadedFile",
    "WorkflowExecutionStatusResponse",
    "WorkflowKind",
    "WorkflowSummary",
    "WorkflowTriggers",
    "WorkflowVersion",
)
