import CNN
import MPI
