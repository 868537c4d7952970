package org.sparkcnn.ml;

import static org.sparkcnn.ml.CnnClassificationModel.NETWORK_FILE;
import static org.sparkcnn.ml.CnnClassificationModel.SERVING_FILE;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkcnn.data.BadInputException;
import scala.Option;

/**
 * How a {@link CnnClassificationModel} is saved and loaded, Spark ML's {@code MLWriter} and {@code
 * MLReader}: the parameters' metadata, then under {@code data/} the network ({@code model.zip})
 * and the serving metadata ({@code serving.ser}, Java serialisation).
 */
final class ModelFiles {
  private ModelFiles() {}

  /** Writes the parameter metadata, the network and the serving metadata under a path. */
  static final class Writer extends MLWriter {
    private final CnnClassificationModel model;

    Writer(CnnClassificationModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      Path data = new Path(path, "data");
      try {
        FileSystem fs = data.getFileSystem(sc().hadoopConfiguration());
        try (FSDataOutputStream out = fs.create(new Path(data, NETWORK_FILE))) {
          ModelSerializer.writeModel(model.network(), out, false);
        }
        try (ObjectOutputStream out =
            new ObjectOutputStream(fs.create(new Path(data, SERVING_FILE)))) {
          out.writeObject(model.serving());
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot save the network under " + data, e);
      }
    }
  }

  /** Reads what {@link Writer} wrote. */
  static final class Reader extends MLReader<CnnClassificationModel> {
    @Override
    public CnnClassificationModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
          CnnClassificationModel.class.getName());
      Path data = new Path(path, "data");
      try {
        FileSystem fs = data.getFileSystem(sc().hadoopConfiguration());
        org.deeplearning4j.nn.api.Model network;
        Serving serving;
        try (ObjectInputStream in =
            new ObjectInputStream(fs.open(new Path(data, SERVING_FILE)))) {
          serving = (Serving) in.readObject();
        }
        try (FSDataInputStream in = fs.open(new Path(data, NETWORK_FILE))) {
          network = serving.graph() ? ModelSerializer.restoreComputationGraph(in, false)
              : ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
        CnnClassificationModel model = new CnnClassificationModel(metadata.uid(), network,
            serving);
        metadata.getAndSetParams(model, Option.empty());
        return model;
      } catch (IOException | ClassNotFoundException | ClassCastException e) {
        throw new BadInputException("cannot read the saved CnnClassificationModel under " + path
            + ": " + e.getMessage());
      }
    }
  }
}
