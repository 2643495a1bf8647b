/**
 * Data sets: IDX files ({@link io.meanstream.data.IdxReader}), Fashion-MNIST
 * ({@link io.meanstream.data.FashionMnist}, found or downloaded by
 * {@link io.meanstream.data.DatasetLocator}) and folders of images organised by class
 * ({@link io.meanstream.data.ImageFolderDataset}), all loaded as
 * {@link io.meanstream.data.LabeledImages}.
 */
package io.meanstream.data;
