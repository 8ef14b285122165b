"""Contains all the data models used in inputs/outputs"""

from .api_error_envelope import ApiErrorEnvelope
from .api_error_issue import ApiErrorIssue
from .api_error_issue_severity import ApiErrorIssueSeverity
from .api_key_identity import ApiKeyIdentity
from .cancel_outcome import CancelOutcome
from .execution import Execution
from .execution_cancellation import ExecutionCancellation
from .execution_failure import ExecutionFailure
from .execution_observability import ExecutionObservability
from .execution_page import ExecutionPage
from .execution_phase import ExecutionPhase
from .execution_status import ExecutionStatus
from .execution_step import ExecutionStep
from .execution_summary import ExecutionSummary
from .execution_summary_workflow import ExecutionSummaryWorkflow
from .file_deletion import FileDeletion
from .file_id_reference import FileIdReference
from .file_purpose import FilePurpose
from .file_upload_abort import FileUploadAbort
from .file_upload_multipart_body import FileUploadMultipartBody
from .file_upload_request import FileUploadRequest
from .file_upload_session import FileUploadSession
from .file_upload_session_headers import FileUploadSessionHeaders
from .file_upload_transport import FileUploadTransport
from .include_steps import IncludeSteps
from .inline_file import InlineFile
from .inline_file_reference import InlineFileReference
from .run import Run
from .run_artifact import RunArtifact
from .run_cancel_result import RunCancelResult
from .run_cancellation import RunCancellation
from .run_cancellation_state import RunCancellationState
from .run_debug import RunDebug
from .run_eval import RunEval
from .run_event import RunEvent
from .run_event_metadata import RunEventMetadata
from .run_events import RunEvents
from .run_execution import RunExecution
from .run_execution_next_run import RunExecutionNextRun
from .run_execution_retry import RunExecutionRetry
from .run_input import RunInput
from .run_input_file import RunInputFile
from .run_overrides import RunOverrides
from .run_overrides_steps import RunOverridesSteps
from .run_overrides_steps_additional_property import RunOverridesStepsAdditionalProperty
from .run_page import RunPage
from .run_source import RunSource
from .run_source_git import RunSourceGit
from .run_start_body import RunStartBody
from .run_start_body_files import RunStartBodyFiles
from .run_start_body_input import RunStartBodyInput
from .run_start_body_metadata import RunStartBodyMetadata
from .run_start_multipart_body import RunStartMultipartBody
from .run_start_multipart_body_input import RunStartMultipartBodyInput
from .run_start_multipart_body_metadata import RunStartMultipartBodyMetadata
from .run_steps import RunSteps
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
from .started_execution import StartedExecution
from .uploaded_file import UploadedFile
from .workflow import Workflow
from .workflow_kind import WorkflowKind
from .workflow_page import WorkflowPage
from .workflow_triggers import WorkflowTriggers
from .workflow_version import WorkflowVersion
from .workflow_version_page import WorkflowVersionPage

__all__ = (
    "ApiErrorEnvelope",
    "ApiErrorIssue",
    "ApiErrorIssueSeverity",
    "ApiKeyIdentity",
    "CancelOutcome",
    "Execution",
    "ExecutionCancellation",
    "ExecutionFailure",
    "ExecutionObservability",
    "ExecutionPage",
    "ExecutionPhase",
    "ExecutionStatus",
    "ExecutionStep",
    "ExecutionSummary",
    "ExecutionSummaryWorkflow",
    "FileDeletion",
    "FileIdReference",
    "FilePurpose",
    "FileUploadAbort",
    "FileUploadMultipartBody",
    "FileUploadRequest",
    "FileUploadSession",
    "FileUploadSessionHeaders",
    "FileUploadTransport",
    "IncludeSteps",
    "InlineFile",
    "InlineFileReference",
    "Run",
    "RunArtifact",
    "RunCancellation",
    "RunCancellationState",
    "RunCancelResult",
    "RunDebug",
    "RunEval",
    "RunEvent",
    "RunEventMetadata",
    "RunEvents",
    "RunExecution",
    "RunExecutionNextRun",
    "RunExecutionRetry",
    "RunInput",
    "RunInputFile",
    "RunOverrides",
    "RunOverridesSteps",
    "RunOverridesStepsAdditionalProperty",
    "RunPage",
    "RunSource",
    "RunSourceGit",
    "RunStartBody",
    "RunStartBodyFiles",
    "RunStartBodyInput",
    "RunStartBodyMetadata",
    "RunStartMultipartBody",
    "RunStartMultipartBodyInput",
    "RunStartMultipartBodyMetadata",
    "RunSteps",
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
    "StartedExecution",
    "UploadedFile",
    "Workflow",
    "WorkflowKind",
    "WorkflowPage",
    "WorkflowTriggers",
    "WorkflowVersion",
    "WorkflowVersionPage",
)
