import MPI
import Telemetry
