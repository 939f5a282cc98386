use super::*;
use candle_core::Device;

#[test]
fn candle_reads_back_every_tensor_and_dtype() {
    let d = Device::Cpu;
    let mut m = HashMap::new();
    m.insert(
        "0.weight".to_string(),
        Tensor::new(&[[1.5f32, -2.0], [3.25, 0.0]], &d).unwrap(),
    );
    m.insert(
        "state".to_string(),
        Tensor::new(&[7u8, 0, 255], &d).unwrap(),
    );
    m.insert("n".to_string(), Tensor::new(&[u32::MAX, 3], &d).unwrap());
    m.insert("i".to_string(), Tensor::new(&[-5i64], &d).unwrap());
    m.insert(
        "x".to_string(),
        Tensor::new(&[0.1f64, 2.0, 3.0], &d).unwrap(),
    );
    m.insert(
        "empty".to_string(),
        Tensor::zeros(0, DType::F32, &d).unwrap(),
    );
    let bytes = serialize(&m).unwrap();
    assert_eq!(u64::from_le_bytes(bytes[..8].try_into().unwrap()) % 8, 0);
    let back = candle_core::safetensors::load_buffer(&bytes, &d).unwrap();
    assert_eq!(back.len(), m.len());
    for (k, t) in &m {
        let b = &back[k];
        assert_eq!((b.dtype(), b.dims()), (t.dtype(), t.dims()), "{k}");
        let (x, y) = (
            t.to_dtype(DType::F64).unwrap().flatten_all().unwrap(),
            b.to_dtype(DType::F64).unwrap().flatten_all().unwrap(),
        );
        assert_eq!(
            x.to_vec1::<f64>().unwrap(),
            y.to_vec1::<f64>().unwrap(),
            "{k}"
        );
    }
}
